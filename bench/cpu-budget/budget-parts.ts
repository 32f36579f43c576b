/**
 * The parts of a transfer's main-thread CPU and which code belongs to each: one table, read from
 * the leaf of a sampled stack towards its root. The first frame that a rule names decides the
 * part, so a library with no rule of its own (idb-keyval, simple-peer, a native call such as
 * `digest` or `arrayBuffer`) counts for whichever of our modules called it. Sources are paths in
 * the repository, as the bench build's source maps give them.
 */

export const MAIN_THREAD_PARTS = {
  sending: 'framing and sending (block frames, send, drain waits)',
  receiving: 'receiving and reassembly (frame decode, chunk buffers)',
  control: 'requests and scheduling (control frames, scheduler, links)',
  sha256: 'SHA-256 (WebCrypto digests run on the main thread here, and hex)',
  idbWrite: 'IndexedDB write (Blob, put)',
  idbRead: 'reading chunks to serve (IndexedDB get, Blob.arrayBuffer, or the original File)',
  progressUi: 'progress and UI (engine progress, Svelte)',
  garbageCollection: 'garbage collection (on the main thread)',
  nativeOutsideJs: 'native work outside JS (event dispatch, IPC, style/layout/paint)',
  otherJs: 'other JS (tracker client, timers, libraries)',
} as const;

export type MainThreadPart = keyof typeof MAIN_THREAD_PARTS;

/** One frame of a sampled stack, its bundle position already mapped to a source path. */
export interface StackFrame {
  functionName: string;
  /** Path in the repository (`shared/engine/serve-queue.ts`); undefined for native and V8's own frames. */
  source: string | undefined;
}

interface FrameRule {
  /** Matches the source path; omitted: frames without a source (native functions, V8's pseudo-frames). */
  source?: RegExp;
  /** Matches the function name; omitted: every function of the source. */
  functionName?: RegExp;
  part: MainThreadPart | 'idle';
}

/**
 * Function-level rules come before their module's rule: the first rule that matches a frame wins.
 * Pseudo-frames that V8 adds: "(idle)" is the thread waiting, "(program)" native work with no JS
 * on the stack, "(garbage collector)" GC; "(root)", the tree's top, names no part.
 */
export const FRAME_RULES: readonly FrameRule[] = [
  { functionName: /^\(idle\)$/, part: 'idle' },
  { functionName: /^\(garbage collector\)$/, part: 'garbageCollection' },
  { functionName: /^\(program\)$/, part: 'nativeOutsideJs' },

  // Hashing: Chromium runs a WebCrypto digest on the calling thread (a DoDigest task in its traces).
  { source: /^shared\/content\/(sha256|sha256-fallback)\.ts$/, part: 'sha256' },
  { source: /^shared\/content\/manifest\.ts$/, functionName: /^isChunkValid$/, part: 'sha256' },
  { source: /^node_modules\/@noble\/hashes\//, part: 'sha256' },
  { source: /^client\/.*hash/i, part: 'sha256' }, // the page's side of a hashing worker, if there is one

  // The store: chunk writes (downloads, repairs) and reads (serving, saving a finished file).
  { source: /^client\/adapters\/idb-chunk-store\.ts$/, functionName: /^(putChunk|putFile|stageChunks)$/, part: 'idbWrite' },
  { source: /^client\/adapters\/idb-chunk-store\.ts$/, part: 'idbRead' },
  { source: /^client\/adapters\/(idb-chunk-writes|idb-stagings)\.ts$/, part: 'idbWrite' },
  { source: /^shared\/engine\/chunk-writer\.ts$/, part: 'idbWrite' },
  { source: /^shared\/engine\/serve-queue\.ts$/, functionName: /^(prepare|repair|fillReadAhead)$/, part: 'idbRead' },
  { source: /^shared\/engine\/served-chunks\.ts$/, functionName: /^isValid$/, part: 'sha256' },
  { source: /^shared\/engine\/(served-chunks|verified-chunks)\.ts$/, part: 'idbRead' },
  { source: /^shared\/engine\/stored-file\.ts$/, part: 'idbRead' },
  { source: /^client\/adapters\/browser-file-source\.ts$/, part: 'idbRead' },

  // The data channel, each way.
  { source: /^shared\/engine\/serve-queue\.ts$/, part: 'sending' },
  { source: /^shared\/protocol\/peer-messages\.ts$/, functionName: /^encodeBlockFrame$/, part: 'sending' },
  { source: /^shared\/engine\/rate-limiter\.ts$/, part: 'sending' },
  { source: /^shared\/transport\/simple-peer-channel\.ts$/, functionName: /^(send|waitForDrain|pollDrain|bufferedAmountBytes|releaseDrainWaiters)$/, part: 'sending' },
  { source: /^shared\/transport\/simple-peer-channel\.ts$/, part: 'receiving' },
  { source: /^shared\/protocol\/peer-messages\.ts$/, functionName: /^decodeBlockFrame$/, part: 'receiving' },
  { source: /^shared\/engine\/peer-link\.ts$/, functionName: /^handleFrame$/, part: 'receiving' },
  { source: /^shared\/engine\/outgoing-requests\.ts$/, functionName: /^handleBlock$/, part: 'receiving' },
  { source: /^shared\/engine\/chunk-buffer-pool\.ts$/, part: 'receiving' },

  // Asking for chunks and deciding whom to ask: control frames (zod), scheduler, links, windows.
  { source: /^shared\/protocol\//, part: 'control' },
  { source: /^node_modules\/zod\//, part: 'control' },
  {
    source:
      /^shared\/engine\/(peer-link|outgoing-requests|chunk-delivery|chunk-fetcher|chunk-scheduler|fetch-peers|peer-window|holder-links|link-pool|extra-links|download|download-allowance|have-handshake|fetch-condition|holder-poller|waiting-watch)\.ts$/,
    part: 'control',
  },

  // Progress as the engine counts it, the node's transfer views, and rendering them.
  {
    source: /^shared\/engine\/(download-progress|throttled-notifier|speed-meter|download-report)\.ts$/,
    part: 'progressUi',
  },
  { source: /^shared\/node\/(transfers|transfer|transfer-view|node-events)\.ts$/, part: 'progressUi' },
  { source: /^client\/(components|state)\//, part: 'progressUi' },
  { source: /^client\/App\.svelte$/, part: 'progressUi' },
  { source: /^client\/format\.ts$/, part: 'progressUi' },
  { source: /^node_modules\/svelte\//, part: 'progressUi' },
];

function matches(rule: FrameRule, frame: StackFrame): boolean {
  if (rule.source === undefined ? frame.source !== undefined : frame.source === undefined || !rule.source.test(frame.source)) {
    // A rule without a source is for pseudo-frames only, so a JS function named "(idle)" cannot fake one.
    return false;
  }
  return rule.functionName === undefined || rule.functionName.test(frame.functionName);
}

/** The part a frame belongs to by the table, or undefined when the table does not name it. */
export function partOfFrame(frame: StackFrame): MainThreadPart | 'idle' | undefined {
  return FRAME_RULES.find((rule) => matches(rule, frame))?.part;
}

/** The part of one sample: its stack from the leaf to the root; 'otherJs' when no frame is named. */
export function partOfStack(leafToRoot: readonly StackFrame[]): MainThreadPart | 'idle' {
  for (const frame of leafToRoot) {
    const part = partOfFrame(frame);
    if (part !== undefined) return part;
  }
  return 'otherJs';
}
