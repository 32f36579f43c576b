/**
 * Tracker search at scale: builds 100,000- and 1,000,000-file indexes in the memory store and
 * times searches against the linear search the tracker used before (search.ts `searchListings`
 * over every announcement, kept as `LinearSearchReference`), both measured in this run.
 *
 * Run: `npm run bench:search` (or `npx tsx bench/tracker-search.ts [--quick]`). Prints the
 * tables; a full run also writes them to bench/RESULTS-tracker-search.md (its own file, so
 * `npm run bench`, which rewrites RESULTS.md, leaves it alone). Names come from a word list the
 * script generates, with a skewed word frequency so there are rare, mid and very common words.
 */
import { writeFile } from 'node:fs/promises';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { FileAnnouncement } from '../shared/protocol';
import { LinearSearchReference } from '../signaling-server/search/linear-search-reference';
import { MemoryStore } from '../signaling-server/store/memory-store';
import type { PeerRecord, SearchQuery } from '../signaling-server/store/tracker-store';

const isQuick = process.argv.includes('--quick');
const SIZES = isQuick ? [100_000] : [100_000, 1_000_000];
/** Files per peer and per announce, at the tracker's limits (PEER_MAX_FILES, ANNOUNCE_MAX_FILES). */
const FILES_PER_PEER = 10_000;
const FILES_PER_ANNOUNCE = 500;
const INDEXED_QUERIES = isQuick ? 50 : 200;
/** The linear search takes seconds per query at a million files, so its sample is bounded. */
const LINEAR_QUERIES = (files: number): number => (isQuick ? 5 : files >= 1_000_000 ? 6 : 20);
const SCAN_QUERIES = isQuick ? 10 : 30;
const PAGE_LIMIT = 50;
const WORD_COUNT = 4000;

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/** mulberry32: deterministic, so both stores and the queries see the same files. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 2 ** 32;
  };
}

const SYLLABLES = ['ka', 'lo', 'mi', 'ne', 'ru', 'sa', 'to', 'vi', 'ze', 'po', 'da', 'fu', 'gre', 'bal', 'tor', 'min', 'sel', 'qua', 'rex', 'on'];
const EXTENSIONS = ['.jpg', '.mp3', '.pdf', '.zip', '.mkv', '.txt', '.png', '.flac'];
const WORDS = ((): string[] => {
  const random = seededRandom(7);
  const words = new Set<string>();
  while (words.size < WORD_COUNT) {
    const syllables = 2 + Math.floor(random() * 3);
    words.add(Array.from({ length: syllables }, () => SYLLABLES[Math.floor(random() * SYLLABLES.length)]).join(''));
  }
  return [...words];
})();

/** Word ranks skewed like real names: rank 0 is in about a sixth of the files, most ranks are rare. */
function wordFor(random: () => number): string {
  return WORDS[Math.floor(WORDS.length * random() ** 3)]!;
}

interface GeneratedFile {
  file: FileAnnouncement;
  words: string[];
}

function fileAt(index: number): GeneratedFile {
  const random = seededRandom(index * 2654435761 + 1);
  const words = [wordFor(random), wordFor(random), wordFor(random)];
  const number = String(Math.floor(random() * 10_000)).padStart(4, '0');
  const name = `${words[0]![0]!.toUpperCase()}${words[0]!.slice(1)} ${words[1]} ${number} ${words[2]}${EXTENSIONS[index % EXTENSIONS.length]}`;
  let contentId = '';
  for (let part = 0; part < 8; part += 1) contentId += Math.floor(random() * 2 ** 32).toString(16).padStart(8, '0');
  return { file: { contentId, name, size: 1 + Math.floor(random() * 2 ** 30), mimeType: 'application/octet-stream', chunkSizeBytes: 262_144 }, words: [...words, number] };
}

function peerAt(index: number): PeerRecord {
  return { id: `peer-${index}`, name: `Peer ${index}`, publicKey: 'k'.repeat(88), fingerprint: '0000 0000 0000 0000', joinedAtMs: 0 };
}

function heapBytes(): number {
  collectGarbage();
  collectGarbage();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

interface Built<T> {
  store: T;
  seconds: number;
  bytesPerFile: number;
}

async function buildIndexed(files: number): Promise<Built<MemoryStore>> {
  const before = heapBytes();
  const started = performance.now();
  const store = new MemoryStore();
  for (let peer = 0; peer * FILES_PER_PEER < files; peer += 1) {
    await store.addPeer(peerAt(peer));
    for (let first = peer * FILES_PER_PEER; first < Math.min(files, (peer + 1) * FILES_PER_PEER); first += FILES_PER_ANNOUNCE) {
      const batch = Array.from({ length: Math.min(FILES_PER_ANNOUNCE, files - first) }, (_, offset) => fileAt(first + offset).file);
      await store.announce(peerAt(peer).id, batch);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  return { store, seconds, bytesPerFile: (heapBytes() - before) / files };
}

function buildLinear(files: number): Built<LinearSearchReference> {
  const before = heapBytes();
  const started = performance.now();
  const peers = new Map<string, PeerRecord>();
  const store = new LinearSearchReference((peerId) => peers.get(peerId));
  for (let index = 0; index < files; index += 1) {
    const peer = peerAt(Math.floor(index / FILES_PER_PEER));
    if (!peers.has(peer.id)) peers.set(peer.id, peer);
    store.announce(peer.id, fileAt(index).file);
  }
  const seconds = (performance.now() - started) / 1000;
  return { store, seconds, bytesPerFile: (heapBytes() - before) / files };
}

interface QueryKind {
  label: string;
  /** Fewer samples for a query that scans every group: each takes about a linear search. */
  isScan?: boolean;
  /** The query text for sample number `sample` against `files` indexed files. */
  queryFor: (sample: number, files: number) => string;
}

function sampleFile(sample: number, files: number): GeneratedFile {
  return fileAt(Math.floor(seededRandom(sample + 99)() * files));
}

const QUERY_KINDS: QueryKind[] = [
  { label: 'one-hit (3 words of one name)', queryFor: (sample, files) => sampleFile(sample, files).words.slice(1, 4).join(' ') },
  { label: 'multi-word (2 words of one name)', queryFor: (sample, files) => sampleFile(sample, files).words.slice(0, 2).join(' ') },
  { label: `common word ('${WORDS[0]}')`, queryFor: () => WORDS[0]! },
  { label: 'blank', queryFor: () => '' },
  { label: '2-character word (scan)', isScan: true, queryFor: (sample) => SYLLABLES[sample % 10]! },
];

interface Timing {
  p50Ms: number;
  p99Ms: number;
  meanHits: number;
}

async function timeQueries(search: (query: SearchQuery) => Promise<{ total: number }>, kind: QueryKind, files: number, samples: number): Promise<Timing> {
  const durations: number[] = [];
  let hits = 0;
  await search({ query: kind.queryFor(samples, files), limit: PAGE_LIMIT, offset: 0 });
  for (let sample = 0; sample < samples; sample += 1) {
    const query = { query: kind.queryFor(sample, files), limit: PAGE_LIMIT, offset: 0 };
    const started = performance.now();
    const page = await search(query);
    durations.push(performance.now() - started);
    hits += page.total;
  }
  durations.sort((a, b) => a - b);
  const at = (share: number): number => durations[Math.min(durations.length - 1, Math.ceil(share * durations.length) - 1)]!;
  return { p50Ms: at(0.5), p99Ms: at(0.99), meanHits: hits / samples };
}

function formatMs(ms: number): string {
  return ms < 10 ? ms.toFixed(2) : ms.toFixed(0);
}

function machine(): string {
  const cores = cpus();
  const model = (cores[0]?.model ?? 'unknown CPU').replace(/\s+/g, ' ').trim();
  return `${model}, ${cores.length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB RAM, Linux ${release()}`;
}

async function main(): Promise<void> {
  const startLoad = loadavg()[0]!.toFixed(1);
  const rows = ['| files | query (limit 50) | mean hits | indexed p50 ms | indexed p99 ms | linear p50 ms | linear p99 ms | linear ÷ indexed (p50) |', '| --- | --- | --- | --- | --- | --- | --- | --- |'];
  const buildRows = ['| files | store | indexing s | heap per file |', '| --- | --- | --- | --- |'];
  for (const files of SIZES) {
    const linear = buildLinear(files);
    const indexed = await buildIndexed(files);
    buildRows.push(`| ${files.toLocaleString('en')} | linear (before) | ${linear.seconds.toFixed(1)} | ${Math.round(linear.bytesPerFile)} B |`);
    buildRows.push(`| ${files.toLocaleString('en')} | indexed | ${indexed.seconds.toFixed(1)} | ${Math.round(indexed.bytesPerFile)} B |`);
    console.log(buildRows.slice(-2).join('\n'));
    for (const kind of QUERY_KINDS) {
      const fast = await timeQueries((query) => indexed.store.search(query), kind, files, kind.isScan === true ? SCAN_QUERIES : INDEXED_QUERIES);
      const slow = await timeQueries(async (query) => linear.store.search(query), kind, files, LINEAR_QUERIES(files));
      const row = `| ${files.toLocaleString('en')} | ${kind.label} | ${Math.round(fast.meanHits).toLocaleString('en')} | ${formatMs(fast.p50Ms)} | ${formatMs(fast.p99Ms)} | ${formatMs(slow.p50Ms)} | ${formatMs(slow.p99Ms)} | ${(slow.p50Ms / fast.p50Ms).toFixed(0)}× |`;
      rows.push(row);
      console.log(row);
    }
  }
  const report = [
    '# Tracker search (`npm run bench:search`)',
    '',
    'Written by `bench/tracker-search.ts`. Each size is indexed twice in one process: in the memory store (indexed search) and in',
    '`LinearSearchReference`, the linear search the tracker used before (every announcement regrouped, filtered and sorted per query),',
    'which is the baseline. Files come from 100 peers of 10,000 files (announced in batches of 500); names are three words of a',
    'generated 4,000-word list (skewed: the commonest word is in about a sixth of the names), a 4-digit number and an extension.',
    'Heap per file is heap used plus array buffers after a full GC, before and after building, divided by the files.',
    '',
    `- Date: ${new Date().toISOString()}`,
    `- Machine: ${machine()}; shared with other engineers' browsers (1-minute load average at start: ${startLoad})`,
    `- Versions: node ${process.version}`,
    `- Samples per row: indexed ${INDEXED_QUERIES} queries (${SCAN_QUERIES} for the scan); linear ${SIZES.map((files) => `${LINEAR_QUERIES(files)} at ${files.toLocaleString('en')}`).join(', ')} (so its p99 is the slowest of those)`,
    '',
    ...buildRows,
    '',
    ...rows,
    '',
  ].join('\n');
  console.log(`\n${report}`);
  if (!isQuick) {
    await writeFile(new URL('./RESULTS-tracker-search.md', import.meta.url), report);
    console.log('Wrote bench/RESULTS-tracker-search.md');
  }
}

await main();
