import { describe, expect, it } from 'vitest';
import { TrustedProxies, clientAddressOf } from './client-address';

describe('client address', () => {
  const proxies = TrustedProxies.parse('10.0.0.0/8, 192.168.1.5, fd00::/8');

  it('is the TCP peer when no proxy is trusted, whatever X-Forwarded-For says', () => {
    const none = TrustedProxies.parse('');
    expect(clientAddressOf({ remoteAddress: '10.1.2.3', forwardedFor: '203.0.113.9' }, none)).toBe('10.1.2.3');
    expect(clientAddressOf({ remoteAddress: '198.51.100.7', forwardedFor: '203.0.113.9' }, proxies)).toBe('198.51.100.7');
  });

  it('is the rightmost untrusted X-Forwarded-For entry when the peer is a trusted proxy', () => {
    // The client forged "1.1.1.1"; our proxy appended the address it really saw.
    expect(clientAddressOf({ remoteAddress: '10.0.0.2', forwardedFor: '1.1.1.1, 203.0.113.9' }, proxies)).toBe('203.0.113.9');
    // Two of our proxies in a row, and the header split over two lines.
    expect(clientAddressOf({ remoteAddress: '10.0.0.2', forwardedFor: ['1.1.1.1, 203.0.113.9', '192.168.1.5'] }, proxies)).toBe(
      '203.0.113.9',
    );
    expect(clientAddressOf({ remoteAddress: 'fd00::2', forwardedFor: '[2001:db8::7]:5678' }, proxies)).toBe('2001:db8::7');
    expect(clientAddressOf({ remoteAddress: '::ffff:10.0.0.2', forwardedFor: '203.0.113.9:4431' }, proxies)).toBe('203.0.113.9');
  });

  it('falls back to the nearest known hop when the header is missing, malformed or all ours', () => {
    expect(clientAddressOf({ remoteAddress: '10.0.0.2', forwardedFor: undefined }, proxies)).toBe('10.0.0.2');
    expect(clientAddressOf({ remoteAddress: '10.0.0.2', forwardedFor: '203.0.113.9, unknown' }, proxies)).toBe('10.0.0.2');
    expect(clientAddressOf({ remoteAddress: '10.0.0.2', forwardedFor: '10.9.9.9, 192.168.1.5' }, proxies)).toBe('10.9.9.9');
  });

  it('counts an IPv4 client seen through a dual-stack socket as the same address', () => {
    expect(clientAddressOf({ remoteAddress: '::ffff:198.51.100.7', forwardedFor: undefined }, proxies)).toBe('198.51.100.7');
    expect(proxies.isTrusted('::ffff:10.3.3.3')).toBe(true);
  });

  it('refuses a bad SHOAL_TRUSTED_PROXIES entry with a message naming it', () => {
    for (const bad of ['10.0.0.0/33', 'proxy.example.org', '10.0.0.1/8/2', '::1/129', '10.0.0.0/x', '300.1.1.1']) {
      expect(() => TrustedProxies.parse(`127.0.0.1, ${bad}`), bad).toThrow(`SHOAL_TRUSTED_PROXIES: '${bad}' is not an IP address or CIDR block`);
    }
  });
});
