import { describe, expect, it } from 'vitest';
import { BLOCK_HEADER_BYTES } from '../protocol/peer-messages';
import { shareFile } from './share-file';
import {
  CHUNK,
  createSwarm,
  downloadInto,
  holdersOf,
  memorySource,
  randomBytes,
  readStoredFile,
  sha256Of,
  waitUntil,
} from './test-fixtures';
import { RATE_LIMIT_BURST_MS } from './transfer-policy';
import { VirtualClock } from './virtual-clock';

const KiB = 1024;

/** Virtual time moves only while a rate limiter waits, so bytes ÷ virtual time is the limited rate. */
function limitedSwarm(ids: string[]) {
  const clock = new VirtualClock({ isAutoAdvancing: true });
  return { clock, ...createSwarm(ids, { clock }) };
}

describe('Rate limits', () => {
  it('keeps uploads within the upload limit, in blocks small enough to arrive often', async () => {
    const { clock, network, peer } = limitedSwarm(['ana', 'ben']);
    const rate = 64 * KiB;
    peer('ben').pool.setUploadLimit(rate);
    expect(peer('ben').pool.uploadLimitBytesPerSec).toBe(rate);
    const bytes = randomBytes(8 * CHUNK);
    const record = await shareFile(memorySource('slow.bin', bytes), peer('ben').store);
    await peer('ana').pool.linkTo('ben');
    const blockSizes: number[] = [];
    network.channelsOf('ana')[0]?.onFrame((frame) => typeof frame !== 'string' && blockSizes.push(frame.byteLength));
    const download = downloadInto(peer('ana'), record, holdersOf('ben'));
    const startedMs = clock.now();

    await download.start();

    expect(download.state).toBe('completed');
    const elapsedSeconds = (clock.now() - startedMs) / 1000;
    // The burst is RATE_LIMIT_BURST_MS of the rate, and one block may overdraw the bucket.
    const blockBytes = rate / 4;
    const allowanceBytes = (rate * RATE_LIMIT_BURST_MS) / 1000 + blockBytes;
    expect(elapsedSeconds).toBeGreaterThanOrEqual((bytes.byteLength - allowanceBytes) / rate);
    expect(elapsedSeconds).toBeLessThanOrEqual((bytes.byteLength / rate) * 1.05);
    expect(Math.max(...blockSizes)).toBeLessThanOrEqual(BLOCK_HEADER_BYTES + blockBytes);
    expect(await sha256Of(await readStoredFile(peer('ana').store, record.contentId))).toBe(await sha256Of(bytes));
  });

  it('keeps downloads from every holder together within the download limit', async () => {
    const { clock, peer } = limitedSwarm(['ana', 'ben', 'cleo']);
    const rate = 256 * KiB;
    peer('ana').pool.setDownloadLimit(rate);
    const bytes = randomBytes(8 * CHUNK);
    const record = await shareFile(memorySource('capped.bin', bytes), peer('ben').store);
    await shareFile(memorySource('capped.bin', bytes), peer('cleo').store);
    const download = downloadInto(peer('ana'), record, holdersOf('ben', 'cleo'));
    const startedMs = clock.now();

    await download.start();

    expect(download.state).toBe('completed');
    const elapsedSeconds = (clock.now() - startedMs) / 1000;
    // A request may overdraw the bucket by one chunk; the burst is RATE_LIMIT_BURST_MS of the rate.
    const allowanceBytes = (rate * RATE_LIMIT_BURST_MS) / 1000 + record.manifest.chunkSizeBytes;
    expect(elapsedSeconds).toBeGreaterThanOrEqual((bytes.byteLength - allowanceBytes) / rate);
    // End-game duplicates of the last chunks are real traffic and count against the limit too.
    expect(elapsedSeconds).toBeLessThanOrEqual((bytes.byteLength + 2 * record.manifest.chunkSizeBytes) / rate);
    expect(await sha256Of(await readStoredFile(peer('ana').store, record.contentId))).toBe(await sha256Of(bytes));
  });

  it('follows a limit changed mid-transfer: lifting it lets the rest through at once', async () => {
    const { clock, peer } = limitedSwarm(['ana', 'ben']);
    const rate = 64 * KiB;
    peer('ben').pool.setUploadLimit(rate);
    const bytes = randomBytes(16 * CHUNK);
    const record = await shareFile(memorySource('lifted.bin', bytes), peer('ben').store);
    const download = downloadInto(peer('ana'), record, holdersOf('ben'));
    const startedMs = clock.now();
    const finished = download.start();
    await waitUntil(() => download.progress.bytesDone > 0, 'a first chunk arrived');

    peer('ben').pool.setUploadLimit(0);
    await finished;

    expect(download.state).toBe('completed');
    expect((clock.now() - startedMs) / 1000).toBeLessThan(bytes.byteLength / rate / 4);
  });

  it('refuses a negative limit with BAD_REQUEST and keeps the old one', () => {
    const { peer } = createSwarm(['ana']);
    peer('ana').pool.setDownloadLimit(100 * KiB);
    expect(() => peer('ana').pool.setDownloadLimit(-1)).toThrow(expect.objectContaining({ code: 'BAD_REQUEST' }));
    expect(peer('ana').pool.downloadLimitBytesPerSec).toBe(100 * KiB);
  });
});
