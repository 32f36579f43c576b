import type { NetworkInterfaceInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { httpUrl, startupLines, urlsToOpen } from './listen-urls';

function address(ip: string, family: 'IPv4' | 'IPv6', internal: boolean): NetworkInterfaceInfo {
  const common = { address: ip, netmask: '', mac: '00:00:00:00:00:00', internal, cidr: null };
  return family === 'IPv4' ? { ...common, family } : { ...common, family, scopeid: 0 };
}

const interfaces = {
  lo: [address('127.0.0.1', 'IPv4', true), address('::1', 'IPv6', true)],
  eth0: [address('192.168.1.20', 'IPv4', false), address('fe80::1', 'IPv6', false)],
  wlan0: [address('10.0.0.7', 'IPv4', false)],
};

describe('urlsToOpen', () => {
  it('lists localhost and every LAN IPv4 address when bound to every interface', () => {
    expect(urlsToOpen('0.0.0.0', 8080, interfaces)).toEqual([
      'http://localhost:8080',
      'http://192.168.1.20:8080',
      'http://10.0.0.7:8080',
    ]);
  });

  it('uses https when the tracker serves TLS', () => {
    expect(urlsToOpen('0.0.0.0', 8443, interfaces, 'https')).toEqual([
      'https://localhost:8443',
      'https://192.168.1.20:8443',
      'https://10.0.0.7:8443',
    ]);
  });

  it('lists only the bound address otherwise', () => {
    expect(urlsToOpen('127.0.0.1', 9000, interfaces)).toEqual(['http://127.0.0.1:9000']);
  });
});

describe('httpUrl', () => {
  it('brackets IPv6 addresses', () => {
    expect(httpUrl('::1', 80)).toBe('http://[::1]:80');
    expect(httpUrl('::', 80)).toBe('http://localhost:80');
  });
});

describe('startupLines', () => {
  it('names the URL for this machine and one per LAN address for other machines, and says plain HTTP is unencrypted', () => {
    const lines = startupLines('0.0.0.0', 8080, 'http', interfaces);
    expect(lines.slice(0, 4)).toEqual([
      'Shoal tracker is running. Open:',
      '  on this machine:      http://localhost:8080',
      '  from other machines:  http://192.168.1.20:8080',
      '                        http://10.0.0.7:8080',
    ]);
    expect(lines[4]).toMatch(/^Plain HTTP: .*not encrypted.*trusted home or office network/);
    expect(lines).toHaveLength(5);
  });

  it('says nothing about encryption over HTTPS or on loopback, and says so when no LAN address is found', () => {
    expect(startupLines('0.0.0.0', 8443, 'https', interfaces)).toHaveLength(4);
    expect(startupLines('127.0.0.1', 9000, 'http', interfaces)).toEqual(['Shoal tracker is running. Open:', '  http://127.0.0.1:9000']);
    expect(startupLines('0.0.0.0', 8080, 'http', { lo: interfaces.lo })).toEqual([
      'Shoal tracker is running. Open:',
      '  on this machine:      http://localhost:8080',
      '  from other machines:  (no network address found)',
    ]);
    expect(startupLines('192.168.1.20', 8080, 'http', interfaces)[2]).toMatch(/^Plain HTTP/);
  });
});
