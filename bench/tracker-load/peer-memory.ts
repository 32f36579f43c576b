/**
 * What one idle peer costs the tracker, and the relay tail while it holds them: one tracker process,
 * two load workers. Prints RSS and heap (after a full GC) empty, with N connected, with N joined, the
 * heap of the joined tracker summed by constructor from a V8 heap snapshot (the self size of every
 * object, top rows per peer), and signal relay p50/p99 with the N peers held.
 *
 *   ulimit -n 20000; npx tsx bench/tracker-load/peer-memory.ts [peers=2000] [--no-snapshot] [--keep-snapshot]
 */
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MemorySample, StallSample } from './load-commands';
import { startStage } from './load-processes';

const WORKERS = 2;
const MIB = 1024 * 1024;
const peers = Number(process.argv.slice(2).find((arg) => /^\d+$/.test(arg)) ?? 2000);
const withSnapshot = !process.argv.includes('--no-snapshot');
/** Keeps the snapshot file (its path is printed) to open in DevTools. */
const keepSnapshot = process.argv.includes('--keep-snapshot');

interface HeapSnapshotFile {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]] }; node_count: number };
  nodes: number[];
  strings: string[];
}

/** Self sizes summed by (type, constructor name): the "Summary" view of DevTools, without retainers. */
function censusOf(path: string): Array<{ key: string; count: number; bytes: number }> {
  const snapshot = JSON.parse(readFileSync(path, 'utf8')) as HeapSnapshotFile;
  const fields = snapshot.snapshot.meta.node_fields;
  const types = snapshot.snapshot.meta.node_types[0];
  const stride = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const rows = new Map<string, { count: number; bytes: number }>();
  for (let offset = 0; offset < snapshot.nodes.length; offset += stride) {
    const type = types[snapshot.nodes[offset + typeAt]!]!;
    const rawName = snapshot.strings[snapshot.nodes[offset + nameAt]!]!;
    const name = type === 'string' || type === 'concatenated string' || type === 'number' ? '' : rawName.slice(0, 60);
    const key = `${type} ${name}`;
    const row = rows.get(key) ?? { count: 0, bytes: 0 };
    row.count += 1;
    row.bytes += snapshot.nodes[offset + sizeAt]!;
    rows.set(key, row);
  }
  return [...rows].map(([key, row]) => ({ key, ...row })).sort((a, b) => b.bytes - a.bytes);
}

function line(label: string, sample: MemorySample, base?: MemorySample): string {
  const per = (field: 'rssBytes' | 'heapUsedBytes' | 'externalBytes'): string =>
    base === undefined ? '' : ` (${((sample[field] - base[field]) / peers / 1024).toFixed(1)} KiB/peer)`;
  return `${label.padEnd(10)} rss ${(sample.rssBytes / MIB).toFixed(1)} MiB${per('rssBytes')}, heap ${(sample.heapUsedBytes / MIB).toFixed(1)} MiB${per('heapUsedBytes')} of ${((sample.heapTotalBytes ?? 0) / MIB).toFixed(1)} committed, external ${(sample.externalBytes / MIB).toFixed(1)} MiB${per('externalBytes')}`;
}

function stallLine(label: string, sample: StallSample): string {
  return `${label}: loop delay p50 ${sample.loopP50Ms.toFixed(1)} / p99 ${sample.loopP99Ms.toFixed(1)} / max ${sample.loopMaxMs.toFixed(1)} ms; GC ${sample.gcCount} pauses, ${sample.gcTotalMs.toFixed(0)} ms total, max ${sample.gcMaxMs.toFixed(1)} ms${sample.longGcPauses.length > 0 ? `, >= 10 ms: ${sample.longGcPauses.join(' ')}` : ''}`;
}

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;

const stage = await startStage({ trackers: 1, onRedis: false, workers: WORKERS, identitiesPerWorker: Math.ceil(peers / WORKERS) + 64 });
try {
  const [tracker] = stage.trackers;
  if (tracker === undefined) throw new Error('no tracker');
  const empty = await tracker.memory();
  console.log(line('empty', empty));
  const perWorker = Math.ceil(peers / WORKERS);
  const connected = await Promise.all(stage.workers.map((worker) => worker.request('connect', { urls: [tracker.url], count: perWorker, concurrency: 50 }, 600_000)));
  console.log('connect', connected.map((outcome) => `${outcome.done} ok ${outcome.failed} failed ${outcome.firstError ?? ''}`).join('; '));
  console.log(line('connected', await tracker.memory(), empty));
  const joined = await Promise.all(stage.workers.map((worker) => worker.request('join', { concurrency: 20 }, 600_000)));
  console.log('join', joined.map((outcome) => `${outcome.done} ok ${outcome.failed} failed ${outcome.firstError ?? ''}`).join('; '));
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  console.log(line('joined', await tracker.memory(), empty));
  await tracker.channel.request('stalls', {}, 60_000);
  await new Promise((resolve) => setTimeout(resolve, 10_000));
  console.log(stallLine('idle 10 s', await tracker.channel.request('stalls', {}, 60_000)));

  const relays = await Promise.all(
    stage.workers.map((worker) => worker.request('signalLatency', { fromUrl: tracker.url, toUrl: tracker.url, pairs: 10, signalsPerPair: 100, intervalMs: 20 }, 600_000)),
  );
  console.log(stallLine('relay', await tracker.channel.request('stalls', {}, 60_000)));
  const relayMs = relays.flatMap((result) => result.relayMs).sort((a, b) => a - b);
  const lost = relays.reduce((sum, result) => sum + result.lost, 0);
  console.log(`relay over ${relayMs.length} signals (${lost} lost): p50 ${percentile(relayMs, 50).toFixed(1)} ms, p99 ${percentile(relayMs, 99).toFixed(1)} ms, max ${(relayMs.at(-1) ?? 0).toFixed(1)} ms`);

  if (withSnapshot) {
    const path = join(tmpdir(), `tracker-${process.pid}.heapsnapshot`);
    await tracker.channel.request('heapSnapshot', { path }, 600_000);
    const census = censusOf(path);
    if (keepSnapshot) console.log(`heap snapshot kept at ${path}`);
    else rmSync(path, { force: true });
    console.log('heap by constructor (self size), top rows:');
    for (const row of census.slice(0, 40)) {
      console.log(`  ${(row.bytes / peers).toFixed(0).padStart(7)} B/peer ${String(row.count).padStart(8)} objs  ${row.key}`);
    }
  }
} finally {
  await stage.stop();
}
