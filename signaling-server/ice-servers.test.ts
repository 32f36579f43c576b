import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createIceServerIssuer } from './ice-servers';

const stun = { urls: 'stun:stun.example.org:3478' };
const turn = { urls: ['turn:turn.example.org:3478', 'turns:turn.example.org:5349'], secret: 'a shared secret of some length', ttlSeconds: 3600 };
const nowMs = 1_800_000_000_500;

describe('createIceServerIssuer', () => {
  it('hands out the static servers alone, with no expiry, when no TURN relay is configured', () => {
    expect(createIceServerIssuer({ staticServers: [stun] }, () => nowMs).grantFor('peer-1')).toEqual({ iceServers: [stun] });
  });

  it("adds TURN with coturn's shared-secret credentials: '<unix expiry>:<peer id>' and base64(HMAC-SHA1(secret, username))", () => {
    const grant = createIceServerIssuer({ staticServers: [stun], turn }, () => nowMs).grantFor('peer-1');
    const expiry = Math.floor(nowMs / 1000) + 3600;
    const username = `${expiry}:peer-1`;
    // Computed here from the definition, not with the module's own helper.
    const expected = createHmac('sha1', turn.secret).update(username, 'utf8').digest().toString('base64');
    expect(grant).toEqual({
      iceServers: [stun, { urls: turn.urls, username, credential: expected }],
      iceServersExpireAt: expiry * 1000,
    });
    expect(JSON.stringify(grant)).not.toContain(turn.secret);
  });

  it('gives each peer its own credential, and a later one each time it asks again', () => {
    let clockMs = nowMs;
    const issuer = createIceServerIssuer({ staticServers: [], turn }, () => clockMs);
    const ana = issuer.grantFor('ana');
    const ben = issuer.grantFor('ben');
    expect(ana.iceServers[0]?.credential).not.toBe(ben.iceServers[0]?.credential);
    clockMs += 60_000;
    const renewed = issuer.grantFor('ana');
    expect(renewed.iceServersExpireAt).toBe((ana.iceServersExpireAt ?? 0) + 60_000);
    expect(renewed.iceServers[0]?.username).toBe(`${Math.floor(clockMs / 1000) + 3600}:ana`);
  });
});
