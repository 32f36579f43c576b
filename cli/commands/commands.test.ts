import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTracker, type RunningTracker } from '../../signaling-server/app';
import { makeRandomFile } from '../../e2e/test-files';
import { EXIT_CODES } from '../exit-codes';
import { runCli, runCliToEnd } from '../test-support/cli-process';
import { tempDir } from '../test-support/temp-dir';
import { startTestPeer } from '../test-support/test-peers';
import { startTestTracker } from '../test-support/test-tracker';
import { waitFor } from '../test-support/wait-for';

const MiB = 1024 * 1024;
let tracker: RunningTracker;

beforeAll(async () => {
  tracker = await startTestTracker();
});
afterAll(async () => {
  await tracker.close();
});

/** Common options: this test's tracker and a fresh data dir, so no test touches ~/.shoal. */
async function shoalArgs(...args: string[]): Promise<string[]> {
  return ['--tracker', tracker.url, '--data-dir', await tempDir('shoal-cli-data-'), ...args];
}

async function sha256OfPath(filePath: string): Promise<string> {
  return createHash('sha256').update(await readFile(filePath)).digest('hex');
}

describe('shoal share, search, get and peers', () => {
  it('shares from one process; another searches, lists peers and downloads by name and by id, byte for byte', { timeout: 90_000 }, async () => {
    const file = await makeRandomFile('quarterly report.pdf', 3 * MiB + 123);
    const sharer = runCli(await shoalArgs('--name', 'ana', 'share', file.path));
    try {
      await sharer.waitForOutput(/Sharing 1 file as ana/);
      expect(sharer.stdout()).toContain(`Shared quarterly report.pdf (3.0 MiB)`);

      const search = await runCliToEnd(await shoalArgs('search', 'REPORT'));
      expect(search.code, search.stderr).toBe(0);
      expect(search.stdout).toMatch(/^1\. quarterly report\.pdf {2}3\.0 MiB {2}1 peer {2}[0-9a-f]{12}$/m);

      const json = await runCliToEnd(await shoalArgs('search', '--json'));
      const listed = JSON.parse(json.stdout) as { total: number; files: Array<Record<string, unknown>> };
      expect(listed).toEqual({
        total: 1,
        files: [
          {
            id: expect.stringMatching(/^[0-9a-f]{64}$/),
            name: 'quarterly report.pdf',
            size: file.size,
            mimeType: 'application/pdf',
            holders: [{ id: expect.any(String), name: 'ana' }],
          },
        ],
      });
      const contentId = listed.files[0]?.id as string;

      const peers = JSON.parse((await runCliToEnd(await shoalArgs('peers', '--json'))).stdout) as { peers: unknown[] };
      expect(peers.peers).toEqual([{ id: expect.any(String), name: 'ana', files: 1, fingerprint: expect.stringMatching(/^[0-9a-f]{4}( [0-9a-f]{4}){3}$/) }]);
      const peersText = await runCliToEnd(await shoalArgs('peers'));
      expect(peersText.stdout).toMatch(/^ana {2}1 file {2}key [0-9a-f ]{19}$/m);

      const byName = await tempDir();
      const got = await runCliToEnd(await shoalArgs('get', 'quarterly report.pdf', '--out', byName));
      expect(got.code, got.stderr).toBe(0);
      expect(got.stdout).toMatch(/^quarterly report\.pdf: \d+%/m);
      expect(got.stdout).toContain(`Saved quarterly report.pdf (3.0 MiB) to ${path.join(byName, 'quarterly report.pdf')}`);
      expect(await sha256OfPath(path.join(byName, 'quarterly report.pdf'))).toBe(file.sha256);

      const byId = await tempDir();
      const gotJson = await runCliToEnd(await shoalArgs('get', contentId, '--out', byId, '--json'));
      expect(gotJson.code, gotJson.stderr).toBe(0);
      expect(JSON.parse(gotJson.stdout)).toEqual({ id: contentId, name: 'quarterly report.pdf', size: file.size, path: path.join(byId, 'quarterly report.pdf') });
      expect(await sha256OfPath(path.join(byId, 'quarterly report.pdf'))).toBe(file.sha256);
    } finally {
      sharer.kill('SIGINT');
    }
    expect(await sharer.waitForExit()).toEqual({ code: 0, signal: null });
    expect(sharer.stdout()).toContain('Stopping: withdrawing shared files and leaving the tracker.');
    const after = await runCliToEnd(await shoalArgs('search', '--json'));
    expect(JSON.parse(after.stdout)).toEqual({ total: 0, files: [] });
  });

  it('prints what it shared as JSON and keeps seeding folders until SIGTERM', { timeout: 60_000 }, async () => {
    const one = await makeRandomFile('one.bin', 1000);
    const sharer = runCli(await shoalArgs('--name', 'json-sharer', 'share', '--json', path.dirname(one.path)));
    try {
      const [line] = await sharer.waitForOutput(/^\{.*\}$/m);
      expect(JSON.parse(line)).toEqual({
        peer: { id: expect.any(String), name: 'json-sharer', fingerprint: expect.any(String) },
        shared: [{ id: expect.stringMatching(/^[0-9a-f]{64}$/), name: 'one.bin', size: 1000, mimeType: 'application/octet-stream', path: one.path }],
      });
    } finally {
      sharer.kill('SIGTERM');
    }
    expect((await sharer.waitForExit()).code).toBe(0);
  });

  it('says when nothing matches, and lists nobody when alone', { timeout: 30_000 }, async () => {
    const search = await runCliToEnd(await shoalArgs('search', 'zebra-unicorn'));
    expect(search, search.stderr).toMatchObject({ code: 0, stdout: "No files match 'zebra-unicorn'.\n" });
    const peers = await runCliToEnd(await shoalArgs('peers'));
    expect(peers).toMatchObject({ code: 0, stdout: 'No other peers are online.\n' });
  });
});

describe('shoal errors and exit codes', () => {
  /** Exactly one line on stderr, starting with "shoal:" or commander's "error:". */
  function expectOneLineError(stderr: string, pattern: RegExp): void {
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(stderr.trimEnd()).toMatch(pattern);
  }

  it('an unknown file exits 4', { timeout: 30_000 }, async () => {
    const result = await runCliToEnd(await shoalArgs('get', 'no-such-file.txt'));
    expect(result.code, result.stderr).toBe(EXIT_CODES.notFound);
    expectOneLineError(result.stderr, /^shoal: No file named 'no-such-file.txt' is shared on the network right now$/);
    const missingPath = await runCliToEnd(await shoalArgs('share', '/definitely/not/here.txt'));
    expect(missingPath.code).toBe(EXIT_CODES.notFound);
    expectOneLineError(missingPath.stderr, /No such file or folder: '\/definitely\/not\/here.txt'/);
  });

  it('an unreachable tracker exits 3', { timeout: 30_000 }, async () => {
    const result = await runCliToEnd(['--tracker', 'http://127.0.0.1:9', '--data-dir', await tempDir(), 'search']);
    expect(result.code).toBe(EXIT_CODES.trackerUnreachable);
    expectOneLineError(result.stderr, /^shoal: Cannot reach the tracker at http:\/\/127\.0\.0\.1:9; is it running\?/);
  });

  it('a file whose only holder cannot send it exits 5', { timeout: 60_000 }, async () => {
    const liar = await startTestPeer(tracker.url, 'liar');
    // Announces a file it does not hold: it will refuse every request for it.
    await liar.session.connection.announce([
      { contentId: 'ab'.repeat(32), name: 'phantom.bin', size: 1000, mimeType: 'application/octet-stream', chunkSizeBytes: 256 * 1024 },
    ]);
    const result = await runCliToEnd(await shoalArgs('get', 'phantom.bin', '--out', await tempDir()));
    expect(result.code, result.stderr).toBe(EXIT_CODES.noHolder);
    expectOneLineError(result.stderr, /^shoal: No peer holding 'phantom\.bin' can send it now \(liar [^)]+\); run the same command again to resume \(or add --wait\)$/);
  });

  it('bad arguments exit 2 with a one-line message', { timeout: 30_000 }, async () => {
    const cases: Array<[string[], RegExp]> = [
      [['get'], /^error: missing required argument 'content-id\|name\|link'/],
      [['--tracker', 'ftp://x', 'search'], /^shoal: --tracker: The tracker must be an http\(s\) URL/],
      [['serve', '--api-port', 'eighty'], /^shoal: --api-port must be a port number/],
      [['frobnicate'], /^shoal: Unknown command 'frobnicate'; see shoal --help$/],
      [['search', '--colour'], /^error: unknown option '--colour'/],
      [['--name', '   ', 'peers'], /^shoal: --name: Enter a display name$/],
    ];
    const results = await Promise.all(cases.map(([args]) => runCliToEnd(args)));
    results.forEach((result, index) => {
      expect(result.code, cases[index]?.[0].join(' ')).toBe(EXIT_CODES.badArguments);
      expectOneLineError(result.stderr, cases[index]![1]);
    });
  });

  it('a name someone else uses exits 2', { timeout: 30_000 }, async () => {
    await startTestPeer(tracker.url, 'taken-name');
    const result = await runCliToEnd(await shoalArgs('--name', 'Taken-Name', 'peers'));
    expect(result.code).toBe(EXIT_CODES.badArguments);
    expectOneLineError(result.stderr, /^shoal: .*taken/i);
  });

  it('joins a closed network only with its network key', { timeout: 30_000 }, async () => {
    const closed = await createTracker({ host: '127.0.0.1', port: 0, staticDir: null, networkKey: 'sesame' });
    try {
      const without = await runCliToEnd(['--tracker', closed.url, '--data-dir', await tempDir(), 'peers']);
      expect(without.code).toBe(EXIT_CODES.badArguments);
      expectOneLineError(without.stderr, /^shoal: This network needs a network key$/);
      const withKey = await runCliToEnd(['--tracker', closed.url, '--data-dir', await tempDir(), '--network-key', 'sesame', 'peers']);
      expect(withKey, withKey.stderr).toMatchObject({ code: 0, stdout: 'No other peers are online.\n' });
    } finally {
      await closed.close();
    }
  });

  it('--help and --version exit 0', async () => {
    const help = await runCliToEnd(['--help']);
    expect(help.code).toBe(0);
    for (const command of ['share', 'search', 'get', 'peers', 'serve']) expect(help.stdout).toContain(command);
    const version = await runCliToEnd(['--version']);
    expect(version).toMatchObject({ code: 0, stdout: '0.1.0\n' });
    const getHelp = await runCliToEnd(['get', '--help']);
    expect(getHelp.stdout).toContain('--out <dir>');
  });
});

describe('shoal get', () => {
  it('leaves the network when done: the file stays on disk and the downloader is not listed as a holder', { timeout: 60_000 }, async () => {
    const file = await makeRandomFile('seeded-after-get.bin', 300_000);
    const seeder = await startTestPeer(tracker.url, 'seeder');
    await seeder.sharePaths([file.path]);
    const outDir = await tempDir();
    const result = await runCliToEnd(await shoalArgs('get', 'seeded-after-get.bin', '--out', outDir));
    expect(result.code).toBe(0);
    // `get` leaves when done: the file stays, and only the seeder holds it.
    await waitFor(async () => (await seeder.search('seeded-after-get'))[0]?.holders.length === 1, 'one holder');
    expect(await sha256OfPath(path.join(outDir, 'seeded-after-get.bin'))).toBe(file.sha256);
  });
});
