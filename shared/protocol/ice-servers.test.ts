import { describe, expect, it } from 'vitest';
import { ICE_SERVERS_MAX, hasRelayServer, iceServerGrantSchema, iceServersSchema } from './ice-servers';

describe('iceServersSchema', () => {
  it('accepts STUN and TURN servers as RTCPeerConnection takes them', () => {
    const servers = [
      { urls: 'stun:stun.example.org:3478' },
      { urls: ['turn:turn.example.org:3478?transport=udp', 'turns:turn.example.org:5349'], username: '1:a', credential: 'x' },
    ];
    expect(iceServersSchema.parse(servers)).toEqual(servers);
  });

  it('refuses other schemes, unknown fields and oversized lists', () => {
    expect(iceServersSchema.safeParse([{ urls: 'https://evil.example' }]).success).toBe(false);
    expect(iceServersSchema.safeParse([{ urls: 'stun:a b' }]).success).toBe(false);
    expect(iceServersSchema.safeParse([{ urls: [] }]).success).toBe(false);
    expect(iceServersSchema.safeParse([{ urls: 'stun:x', credentialType: 'oauth' }]).success).toBe(false);
    expect(iceServersSchema.safeParse([{ urls: 'turn:x', credential: 'c'.repeat(513) }]).success).toBe(false);
    expect(iceServersSchema.safeParse(Array.from({ length: ICE_SERVERS_MAX + 1 }, () => ({ urls: 'stun:x' }))).success).toBe(false);
  });

  it('reads a grant without servers as an empty list that never expires', () => {
    expect(iceServerGrantSchema.parse({})).toEqual({ iceServers: [] });
    expect(iceServerGrantSchema.safeParse({ iceServers: [], iceServersExpireAt: -5 }).success).toBe(false);
  });
});

describe('hasRelayServer', () => {
  it('is true only when some URL is turn: or turns:', () => {
    expect(hasRelayServer([])).toBe(false);
    expect(hasRelayServer([{ urls: 'stun:x' }])).toBe(false);
    expect(hasRelayServer([{ urls: ['stun:x', 'TURNS:y'] }])).toBe(true);
  });
});
