import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningTracker } from '../../signaling-server/app';
import { makeRandomFile } from '../../e2e/test-files';
import { tempDir } from '../test-support/temp-dir';
import { startTestPeer } from '../test-support/test-peers';
import { startTestTracker } from '../test-support/test-tracker';
import { createTracker } from '../../signaling-server/app';
import { waitFor } from '../test-support/wait-for';

const MiB = 1024 * 1024;
let tracker: RunningTracker;

beforeAll(async () => {
  tracker = await startTestTracker();
});
afterAll(async () => {
  await tracker.close();
});

async function sha256OfPath(filePath: string): Promise<string> {
  return createHash('sha256').update(await readFile(filePath)).digest('hex');
}

describe('NodePeer over real WebRTC', () => {
  it('shares a folder in place; another Node peer finds a file, downloads it from two holders and seeds it', async () => {
    const folder = await tempDir();
    await mkdir(path.join(folder, 'nested'));
    const big = await makeRandomFile('nested-big.bin', 6 * MiB + 17);
    await writeFile(path.join(folder, 'nested', 'big.bin'), await readFile(big.path));
    await writeFile(path.join(folder, 'readme.txt'), 'hello shoal');
    const ana = await startTestPeer(tracker.url, 'ana');
    const cleo = await startTestPeer(tracker.url, 'cleo');
    const ben = await startTestPeer(tracker.url, 'ben');

    const shared = await ana.sharePaths([folder]);
    expect(shared.map((file) => file.name).sort()).toEqual(['big.bin', 'readme.txt']);
    await cleo.sharePaths([path.join(folder, 'nested', 'big.bin')]);

    const found = await waitFor(async () => {
      const [file] = await ben.search('BIG');
      return file?.holders.length === 2 && file;
    }, 'both holders of big.bin in the search results');
    expect(found).toMatchObject({ name: 'big.bin', size: big.size });

    const transfer = ben.download(found);
    const savedPath = await transfer.done;
    expect(await sha256OfPath(savedPath)).toBe(big.sha256);
    expect(transfer.view()).toMatchObject({ state: 'completed', bytesDone: big.size, path: savedPath });

    await waitFor(async () => (await ana.search('big'))[0]?.holders.length === 3, 'ben to seed big.bin');
  });

  it('withdraws a shared file that is deleted, and re-shares one that changes', async () => {
    const folder = await tempDir();
    const doomedPath = path.join(folder, 'doomed.txt');
    const draftPath = path.join(folder, 'draft.txt');
    await writeFile(doomedPath, 'short-lived');
    await writeFile(draftPath, 'first version');
    const dana = await startTestPeer(tracker.url, 'dana', { libraryCheckIntervalMs: 50 });
    const eve = await startTestPeer(tracker.url, 'eve');
    const [, draft] = await dana.sharePaths([doomedPath, draftPath]);

    await rm(doomedPath);
    await writeFile(draftPath, 'second version, longer');
    await utimes(draftPath, new Date(), new Date(Date.now() + 10_000));

    await waitFor(async () => {
      const results = await eve.search('doomed');
      return results.length === 0;
    }, 'the deleted file to be withdrawn');
    const reshared = await waitFor(async () => {
      const [file] = await eve.search('draft');
      return file !== undefined && file.contentId !== draft?.contentId && file;
    }, 'the changed file to be shared under a new content id');
    expect(reshared.size).toBe('second version, longer'.length);
    const savedPath = await eve.download(reshared).done;
    expect(await readFile(savedPath, 'utf8')).toBe('second version, longer');
  });

  it('leaves cleanly: its files and its name disappear from the network', async () => {
    const file = await makeRandomFile('leaving-node.bin', 1000);
    const fay = await startTestPeer(tracker.url, 'fay');
    const gus = await startTestPeer(tracker.url, 'gus');
    await fay.sharePaths([file.path]);
    await waitFor(async () => (await gus.search('leaving-node')).length === 1, 'the file to be listed');
    expect((await gus.peers()).map((peer) => peer.name)).toContain('fay');

    await fay.stop();

    expect(await gus.search('leaving-node')).toEqual([]);
    await waitFor(() => !gus.session.otherPeers().some((peer) => peer.name === 'fay'), 'fay to leave the peer list');
  });

  it('announces a download as soon as it holds the manifest, so others can fetch from it meanwhile', { timeout: 60_000 }, async () => {
    const file = await makeRandomFile('spreading.bin', 6 * MiB + 3);
    const kim = await startTestPeer(tracker.url, 'kim');
    const lee = await startTestPeer(tracker.url, 'lee');
    await kim.sharePaths([file.path]);
    // Slow enough (1 MiB/s for 6 MiB) that lee is still downloading when the tracker is asked.
    await lee.node.setLimits({ downloadKiBps: 1024 });
    const [found] = await lee.search('spreading');
    const transfer = lee.download(found!);

    await waitFor(
      async () => (await kim.search('spreading'))[0]?.holders.some((holder) => holder.name === 'lee'),
      'lee listed as a holder while downloading',
    );
    expect(transfer.view().state).not.toBe('completed');
    expect(await lee.library.list()).toEqual([]);
    expect(await sha256OfPath(await transfer.done)).toBe(file.sha256);
    expect((await lee.library.list()).map((shared) => shared.name)).toEqual(['spreading.bin']);
  });

  it('says so when nobody holding the file is online', async () => {
    const file = await makeRandomFile('orphan.bin', 1000);
    const hal = await startTestPeer(tracker.url, 'hal');
    const [shared] = await hal.sharePaths([file.path]);
    const [result] = await hal.search('orphan');
    expect(result?.contentId).toBe(shared?.contentId);
    // Its only holder is the peer itself.
    expect(() => hal.download(result!)).toThrow(
      expect.objectContaining({
        code: 'NO_HOLDER',
        details: { fileName: 'orphan.bin', contentId: result?.contentId, reason: "No peer holding 'orphan.bin' is online" },
      }),
    );
    await expect(hal.resolve('no-such-file.bin')).rejects.toMatchObject({ code: 'FILE_NOT_FOUND', details: { fileName: 'no-such-file.bin' } });
  });

  it('re-joins and re-announces its files by itself when the tracker comes back', { timeout: 60_000 }, async () => {
    let own = await createTracker({ host: '127.0.0.1', port: 0, staticDir: null });
    const port = own.port;
    try {
      const file = await makeRandomFile('survives-restart.bin', 2000);
      const ivy = await startTestPeer(own.url, 'ivy');
      await ivy.sharePaths([file.path]);
      await own.close();
      await waitFor(() => !ivy.session.isOnline, 'ivy to notice the tracker is gone');

      own = await createTracker({ host: '127.0.0.1', port, staticDir: null });
      const jay = await startTestPeer(own.url, 'jay');
      await waitFor(async () => (await jay.search('survives-restart'))[0]?.holders[0]?.name === 'ivy', 'ivy back with her file', 30_000);
      expect(ivy.me?.name).toBe('ivy');
    } finally {
      await own.close();
    }
  });
});
