/**
 * `npm run bench:share-parts [-- --quick]`: what sharing a file costs in the page, part by part, in one
 * browser with an on-disk profile as the bench's: reading the picked File (1 MiB slices one after
 * another, four in flight, its stream), SHA-256 of every chunk, copying each chunk into a Blob, raw
 * IndexedDB writes (one transaction per chunk, and batched as sharing may batch them), and the share
 * itself through the UI. Each part is timed alone, as wall time of a loop in the page; sharing runs
 * them side by side on the machine's two cores, so the parts add up to more than the share takes.
 * Prints only.
 */
import { createTracker } from '../signaling-server/app';
import { SHARE_UNSTORED_BYTES_MAX } from '../shared/engine/transfer-policy';
import { join, removeShare, shareFile } from './bench-actions';
import { launchBenchBrowser } from './bench-browsers';
import { deleteIdb, writeIdbChunks } from './idb-write';
import { tempDataDirFor } from './temp-dirs';
import { BenchFiles } from './test-data';

const MiB = 1024 * 1024;
const quick = process.argv.includes('--quick');
const sizeBytes = (quick ? 256 : 1024) * MiB;
const chunkBytes = MiB;

const tracker = await createTracker({ host: '127.0.0.1', port: 0, dataDir: await tempDataDirFor('bench-share-parts') });
const files = await BenchFiles.create();
const bench = await launchBenchBrowser(tracker.url);
try {
  await join(bench.page, 'sharer');
  const filePath = await files.make('share-parts.bin', sizeBytes);
  await bench.page.evaluate(() => {
    const input = document.createElement('input');
    input.type = 'file';
    input.id = 'share-parts-probe';
    document.body.append(input);
  });
  await bench.page.setInputFiles('#share-parts-probe', filePath);
  const parts = await bench.page.evaluate(async (chunkBytes) => {
    const input = document.getElementById('share-parts-probe') as HTMLInputElement;
    const file = input.files?.[0];
    if (file === undefined) throw new Error('No file picked');
    const timed = async (loop: () => Promise<void>): Promise<number> => {
      const started = performance.now();
      await loop();
      return performance.now() - started;
    };
    const buffer = new Uint8Array(chunkBytes);
    return {
      'read: 1 MiB slices, one after another': await timed(async () => {
        for (let at = 0; at < file.size; at += chunkBytes) await file.slice(at, at + chunkBytes).arrayBuffer();
      }),
      'read: 1 MiB slices, four in flight': await timed(async () => {
        const reads: Promise<ArrayBuffer>[] = [];
        for (let at = 0; at < file.size; at += chunkBytes) {
          reads.push(file.slice(at, at + chunkBytes).arrayBuffer());
          if (reads.length >= 4) await reads.shift();
        }
        await Promise.all(reads);
      }),
      'read: the File streamed': await timed(async () => {
        const reader = file.stream().getReader();
        for (let piece = await reader.read(); !piece.done; piece = await reader.read());
      }),
      'SHA-256 of every chunk (WebCrypto)': await timed(async () => {
        for (let at = 0; at < file.size; at += chunkBytes) await crypto.subtle.digest('SHA-256', buffer);
      }),
      'copy every chunk into a Blob': await timed(async () => {
        for (let at = 0; at < file.size; at += chunkBytes) new Blob([buffer]);
      }),
    };
  }, chunkBytes);
  const writes = async (batchBytes: number): Promise<number> => {
    const name = `share-parts-${Date.now()}`;
    const seconds = await writeIdbChunks(bench.page, name, sizeBytes, chunkBytes, batchBytes);
    await deleteIdb(bench.page, name);
    return seconds * 1000;
  };
  const rows: [string, number][] = Object.entries(parts);
  rows.push(['raw IndexedDB writes, one transaction per chunk', await writes(chunkBytes)]);
  rows.push([`raw IndexedDB writes, ${SHARE_UNSTORED_BYTES_MAX / MiB} MiB per transaction`, await writes(SHARE_UNSTORED_BYTES_MAX)]);
  const shareStarted = performance.now();
  await shareFile(bench.page, filePath, 'share-parts.bin');
  rows.push(['share through the UI (read, hash, store)', performance.now() - shareStarted]);
  await removeShare(bench.page, 'share-parts.bin');

  console.log(`\nSharing ${sizeBytes / MiB} MiB in 1 MiB chunks, each part alone (${new Date().toISOString()}):\n`);
  console.log('| part | ms | ms per MiB | MiB/s |');
  console.log('| --- | --- | --- | --- |');
  for (const [part, ms] of rows) {
    console.log(`| ${part} | ${ms.toFixed(0)} | ${(ms / (sizeBytes / MiB)).toFixed(2)} | ${((sizeBytes / MiB) / (ms / 1000)).toFixed(0)} |`);
  }
} finally {
  await bench.close();
  await tracker.close();
  await files.remove();
}
process.exit(0);
