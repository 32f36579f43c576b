import { describe, expect, it } from 'vitest';
import { partOfStack } from './budget-parts';
import { attributeProfile, type CpuProfile, type CpuProfileNode } from './profile-attribution';
import { decodeVlqSegment, SourceMapLookup } from './source-map-lookup';

const BUNDLE = 'http://127.0.0.1:4000/assets/index-3f2a.js';

/**
 * A profile shaped like what Chromium records for the bench build: one bundle whose lines come from
 * different sources (the resolver below plays the source map), natives without a url, and V8's
 * pseudo-frames. Each entry is a stack from the root down, sampled `samples` times at 1 ms.
 */
type FixtureFrame = [functionName: string, source?: string];
const STACKS: { stack: FixtureFrame[]; samples: number }[] = [
  // Seeder: read-back, re-verify, framing and sending.
  { stack: [['run', 'shared/engine/serve-queue.ts'], ['prepare', 'shared/engine/serve-queue.ts'], ['getChunk', 'client/adapters/idb-chunk-store.ts'], ['get', 'node_modules/idb-keyval/dist/index.js'], ['arrayBuffer']], samples: 4 },
  { stack: [['prepare', 'shared/engine/serve-queue.ts'], ['isChunkValid', 'shared/content/manifest.ts'], ['sha256Hex', 'shared/content/sha256.ts'], ['digest']], samples: 3 },
  { stack: [['sendBlocks', 'shared/engine/serve-queue.ts'], ['encodeBlockFrame', 'shared/protocol/peer-messages.ts']], samples: 2 },
  { stack: [['trySend', 'shared/engine/serve-queue.ts'], ['send', 'shared/transport/simple-peer-channel.ts'], ['send', 'node_modules/simple-peer/simplepeer.min.js'], ['send']], samples: 5 },
  // Downloader: a block arrives, is verified and written; progress is rendered.
  { stack: [['', 'shared/transport/simple-peer-channel.ts'], ['deliver', 'shared/transport/simple-peer-channel.ts'], ['handleFrame', 'shared/engine/peer-link.ts'], ['handleBlock', 'shared/engine/outgoing-requests.ts'], ['set']], samples: 6 },
  { stack: [['write', 'shared/engine/chunk-writer.ts'], ['isChunkValid', 'shared/content/manifest.ts'], ['toHex', 'shared/content/sha256.ts']], samples: 1 },
  { stack: [['write', 'shared/engine/chunk-writer.ts'], ['putChunk', 'client/adapters/idb-chunk-store.ts'], ['set', 'node_modules/idb-keyval/dist/index.js'], ['put']], samples: 2 },
  { stack: [['flush_queued_root_effects', 'node_modules/svelte/src/internal/client/runtime.js'], ['TransferRow', 'client/components/TransferRow.svelte']], samples: 3 },
  { stack: [['dispatch', 'shared/engine/chunk-fetcher.ts'], ['assign', 'shared/engine/chunk-scheduler.ts']], samples: 1 },
  { stack: [['parseControlFrame', 'shared/protocol/peer-messages.ts'], ['safeParse', 'node_modules/zod/v4/classic/parse.js']], samples: 1 },
  // Nobody's rule: a timer of the tracker client, and a script no source map covers.
  { stack: [['onTimeout', 'node_modules/socket.io-client/build/esm/socket.js']], samples: 1 },
  { stack: [['(idle)', 'http://127.0.0.1:4000/sw.js']], samples: 1 },
  // V8's pseudo-frames.
  { stack: [['(program)']], samples: 7 },
  { stack: [['(garbage collector)']], samples: 2 },
  { stack: [['(idle)']], samples: 10 },
];

/** The fixture as Profiler.stop returns it: nodes with children, samples and time deltas (µs). */
function recordedLikeProfile(): { profile: CpuProfile; resolve: (url: string, line: number) => string | undefined } {
  const nodes: CpuProfileNode[] = [{ id: 1, callFrame: { functionName: '(root)', url: '', lineNumber: -1, columnNumber: -1 }, children: [] }];
  const sourceOfLine: string[] = [];
  const samples: number[] = [];
  for (const { stack, samples: count } of STACKS) {
    let parent = nodes[0] as CpuProfileNode;
    for (const [functionName, source] of stack) {
      // A source becomes a line of the bundle; a frame with a url but no source stands for unmapped code.
      const isBundle = source !== undefined && !source.startsWith('http');
      if (isBundle && !sourceOfLine.includes(source)) sourceOfLine.push(source);
      const node: CpuProfileNode = {
        id: nodes.length + 1,
        callFrame: {
          functionName,
          url: source === undefined ? '' : isBundle ? BUNDLE : source,
          lineNumber: isBundle ? sourceOfLine.indexOf(source) : 0,
          columnNumber: 4,
        },
        children: [],
      };
      nodes.push(node);
      parent.children?.push(node.id);
      parent = node;
    }
    for (let sample = 0; sample < count; sample++) samples.push(parent.id);
  }
  const profile: CpuProfile = { nodes, startTime: 5_000_000, endTime: 5_000_000 + (samples.length + 1) * 1000, samples, timeDeltas: samples.map(() => 1000) };
  return { profile, resolve: (url, line) => (url === BUNDLE ? sourceOfLine[line] : undefined) };
}

describe('CPU budget parts', () => {
  it('sums a recorded-like profile by part, each sample counting for the innermost frame the table names', () => {
    const { profile, resolve } = recordedLikeProfile();
    const parts = attributeProfile(profile, resolve);
    expect(parts.msByPart).toEqual({
      idbRead: 4,
      sha256: 3 + 1,
      sending: 2 + 5,
      receiving: 6,
      idbWrite: 2,
      progressUi: 3,
      control: 1 + 1,
      otherJs: 1 + 1,
      nativeOutsideJs: 7,
      garbageCollection: 2,
    });
    expect(parts.idleMs).toBe(10);
    expect(parts.busyMs).toBe(39);
  });

  it('counts only the samples inside a window', () => {
    const { profile, resolve } = recordedLikeProfile();
    // Samples are at 5_001_000, 5_002_000, ...: the first four are the read-back's.
    const parts = attributeProfile(profile, resolve, { fromUs: 5_001_000, toUs: 5_004_500 });
    expect(parts.busyMs).toBe(4);
    expect(parts.msByPart.idbRead).toBe(4);
  });

  it('takes the caller of a frame it does not name, and other JS when no frame is named', () => {
    expect(partOfStack([{ functionName: 'arrayBuffer', source: undefined }, { functionName: 'getChunk', source: 'client/adapters/idb-chunk-store.ts' }])).toBe('idbRead');
    expect(partOfStack([{ functionName: 'get', source: 'node_modules/idb-keyval/dist/index.js' }])).toBe('otherJs');
    // A function of ours cannot pass for one of V8's pseudo-frames by its name.
    expect(partOfStack([{ functionName: '(garbage collector)', source: 'client/main.ts' }])).toBe('otherJs');
  });
});

describe('source map lookup', () => {
  it('decodes base64 VLQ segments', () => {
    expect(decodeVlqSegment('AAAA')).toEqual([0, 0, 0, 0]);
    expect(decodeVlqSegment('gBD')).toEqual([16, -1]);
    expect(decodeVlqSegment('kC')).toEqual([34]);
  });

  it('maps bundle positions to repository paths, the source carrying over from line to line', () => {
    // Line 0: column 0 from a.ts, column 5 on from b.ts; line 1: column 0 from b.ts again (no delta).
    const map = { version: 3, sources: ['../../shared/a.ts', '../../node_modules/svelte/b.js'], mappings: 'AAAA,KCAA;AAAA' };
    const lookup = SourceMapLookup.parse(JSON.stringify(map), '/repo/dist/assets', '/repo');
    expect(lookup.sourceAt(0, 0)).toBe('shared/a.ts');
    expect(lookup.sourceAt(0, 4)).toBe('shared/a.ts');
    expect(lookup.sourceAt(0, 5)).toBe('node_modules/svelte/b.js');
    expect(lookup.sourceAt(0, 90)).toBe('node_modules/svelte/b.js');
    expect(lookup.sourceAt(1, 3)).toBe('node_modules/svelte/b.js');
    expect(lookup.sourceAt(7, 0)).toBeUndefined();
  });
});
