/**
 * Files the load benchmark's sharers announce, and the queries its searchers send: names of two
 * words from a fixed list and a number, so each query word matches about 1/WORD_COUNT² of the
 * pairs and a two-word query narrows to a few files. Deterministic, so every run indexes the same.
 * (The search-latency figures at 100,000 and 1,000,000 files come from bench/tracker-search.ts.)
 */
import { createHash } from 'node:crypto';
import type { FileAnnouncement } from '../../shared/protocol';

const SYLLABLES = ['ka', 'lo', 'mi', 'ne', 'ru', 'sa', 'to', 'vi', 'ze', 'po', 'da', 'fu', 'gre', 'bal', 'tor', 'min'];
/** Every two-syllable word of the list above: 256 words. */
const WORDS = SYLLABLES.flatMap((first) => SYLLABLES.map((second) => `${first}${second}`));
const EXTENSIONS = ['.jpg', '.mp3', '.pdf', '.zip', '.mkv', '.txt'];

function wordAt(index: number): string {
  return WORDS[index % WORDS.length]!;
}

/** File number `index`: a stable name and a content id derived from the index. */
export function benchFileAt(index: number): FileAnnouncement {
  const first = wordAt(index);
  const second = wordAt(Math.floor(index / WORDS.length) * 7 + 3);
  return {
    contentId: createHash('sha256').update(`bench-file-${index}`).digest('hex'),
    name: `${first} ${second} ${String(index % 10_000).padStart(4, '0')}${EXTENSIONS[index % EXTENSIONS.length]}`,
    size: 1 + ((index * 2_654_435_761) % 2 ** 30),
    mimeType: 'application/octet-stream',
    chunkSizeBytes: 262_144,
  };
}

/** Queries for the throughput run: single words (hundreds of hits) and word pairs (a handful). */
export function benchQueries(count: number): string[] {
  return Array.from({ length: count }, (_, index) =>
    index % 2 === 0 ? wordAt(index * 13) : `${wordAt(index * 13)} ${wordAt(index * 29 + 5)}`,
  );
}
