import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTracker, type RunningTracker } from '../../signaling-server/app';
import { newIdentity } from '../../signaling-server/test-support/identities';
import { TrackerConnection } from '../../shared/tracker-client/tracker-connection';
import { runCli } from '../test-support/cli-process';

const ADMIN_TOKEN = 'an-admin-token-of-enough-length';

describe('shoal admin', () => {
  let tracker: RunningTracker;
  let ana: TrackerConnection;
  let anaFingerprint: string;

  beforeEach(async () => {
    tracker = await createTracker({ host: '127.0.0.1', port: 0, staticDir: null, adminToken: ADMIN_TOKEN });
    ana = new TrackerConnection(tracker.url);
    const connected = new Promise<void>((resolve) => ana.onConnectionChange((isConnected) => isConnected && resolve()));
    ana.connect();
    await connected;
    anaFingerprint = (await ana.join({ name: 'ana', identity: await newIdentity() })).fingerprint;
  });

  afterEach(async () => {
    ana.disconnect();
    await tracker.close();
  });

  async function admin(...args: string[]) {
    const cli = runCli(['--tracker', tracker.url, 'admin', '--admin-token', ADMIN_TOKEN, ...args]);
    const exit = await cli.waitForExit(30_000);
    return { code: exit.code, stdout: cli.stdout(), stderr: cli.stderr() };
  }

  it('lists registrations as text and JSON', async () => {
    const text = await admin('registrations');
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`ana  key ${anaFingerprint}`);
    expect(text.stdout).toContain('(online)');
    const json = await admin('registrations', '--json');
    expect(JSON.parse(json.stdout).registrations).toEqual([
      expect.objectContaining({ name: 'ana', fingerprint: anaFingerprint, online: true, banned: false }),
    ]);
  });

  it('revokes a name and disconnects its peer at once', async () => {
    const removed = new Promise<string>((resolve) => ana.onRemoved(({ error }) => resolve(error.code)));
    const result = await admin('revoke', 'ana');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Revoked 'ana'");
    expect(await removed).toBe('REVOKED');
    expect(JSON.parse((await admin('registrations', '--json')).stdout).registrations).toEqual([]);
  });

  it('bans a key by fingerprint, lists it, and lifts the ban', async () => {
    const removed = new Promise<string>((resolve) => ana.onRemoved(({ error }) => resolve(error.code)));
    expect((await admin('ban', anaFingerprint)).code).toBe(0);
    expect(await removed).toBe('BANNED');
    const bans = JSON.parse((await admin('bans', '--json')).stdout).bans as { fingerprint: string }[];
    expect(bans.map((ban) => ban.fingerprint)).toEqual([anaFingerprint]);
    expect((await admin('unban', anaFingerprint)).stdout).toContain('Lifted the ban');
    expect((await admin('bans')).stdout).toContain('No keys are banned.');
  });

  it('fails with one line and exit code 2 for a wrong token or an unknown name', async () => {
    const cli = runCli(['--tracker', tracker.url, 'admin', '--admin-token', 'wrong-token-wrong-token', 'registrations']);
    const exit = await cli.waitForExit(30_000);
    expect(exit.code).toBe(2);
    expect(cli.stderr().trim().split('\n')).toHaveLength(1);
    const unknown = await admin('revoke', 'nobody');
    expect(unknown.code).toBe(4);
    expect(unknown.stderr).toMatch(/^shoal: .+\n$/);
  });
});
