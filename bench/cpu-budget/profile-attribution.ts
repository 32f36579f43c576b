/**
 * Sums a V8 CPU profile (DevTools `Profiler.stop`) by part of the transfer: each sample's time goes
 * to the part of its stack (budget-parts.ts), its bundle positions mapped to source files first.
 * The profile sees the main thread's JS only, and natives called from it (WebCrypto's digest runs
 * there); work on other threads (the WebRTC network thread, IndexedDB and Blob files in the browser
 * process) is not in it: the budget reads that from /proc (thread-cpu.ts).
 */
import { MAIN_THREAD_PARTS, partOfFrame, type MainThreadPart, type StackFrame } from './budget-parts';

/** The fields of Profiler.Profile the budget reads. Times in microseconds of the monotonic clock. */
export interface CpuProfile {
  nodes: CpuProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}

/** The source file of a bundle position, or undefined when no source map covers it. */
export type SourceResolver = (url: string, line: number, column: number) => string | undefined;

export interface ProfileParts {
  /** Sampled ms in each part (idle left out). */
  msByPart: Record<MainThreadPart, number>;
  /** Sampled ms the thread was busy: the parts' sum. */
  busyMs: number;
  idleMs: number;
}

/** A span of the profile's clock (µs) to count; samples outside it are left out. */
export interface ProfileWindow {
  fromUs: number;
  toUs: number;
}

export function emptyParts(): Record<MainThreadPart, number> {
  return Object.fromEntries(Object.keys(MAIN_THREAD_PARTS).map((part) => [part, 0])) as Record<MainThreadPart, number>;
}

/** Each node's part: its own frame's if the table names it, else its caller's (memoised), else other JS. */
function partsOfNodes(profile: CpuProfile, resolveSource: SourceResolver): Map<number, MainThreadPart | 'idle'> {
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parts = new Map<number, MainThreadPart | 'idle' | undefined>();
  const partOf = (id: number): MainThreadPart | 'idle' | undefined => {
    if (parts.has(id)) return parts.get(id);
    // Walk up to the first node whose part is known or named, then fill the path in on the way back.
    const path: number[] = [];
    let found: MainThreadPart | 'idle' | undefined;
    for (let current: number | undefined = id; current !== undefined; current = parentOf.get(current)) {
      if (parts.has(current)) {
        found = parts.get(current);
        break;
      }
      path.push(current);
      const node = byId.get(current);
      found = node === undefined ? undefined : partOfFrame(frameOf(node, resolveSource));
      if (found !== undefined) break;
    }
    for (const visited of path) parts.set(visited, found);
    return found;
  };
  const result = new Map<number, MainThreadPart | 'idle'>();
  for (const node of profile.nodes) result.set(node.id, partOf(node.id) ?? 'otherJs');
  return result;
}

export function frameOf(node: CpuProfileNode, resolveSource: SourceResolver): StackFrame {
  const { functionName, url, lineNumber, columnNumber } = node.callFrame;
  // No url: V8's pseudo-frames and native functions. A url no map covers stays as it is (other JS).
  return { functionName, source: url === '' ? undefined : (resolveSource(url, lineNumber, columnNumber) ?? url) };
}

/** The profile's samples summed by part, within `window` when given. A sample lasts until the next. */
export function attributeProfile(profile: CpuProfile, resolveSource: SourceResolver, window?: ProfileWindow): ProfileParts {
  const partOfNode = partsOfNodes(profile, resolveSource);
  const msByPart = emptyParts();
  let idleMs = 0;
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  let atUs = profile.startTime;
  for (let index = 0; index < samples.length; index++) {
    atUs += deltas[index] ?? 0;
    const nextUs = index + 1 < samples.length ? atUs + (deltas[index + 1] ?? 0) : profile.endTime;
    if (window !== undefined && (atUs < window.fromUs || atUs >= window.toUs)) continue;
    const part = partOfNode.get(samples[index] as number) ?? 'otherJs';
    const ms = Math.max(0, nextUs - atUs) / 1000;
    if (part === 'idle') idleMs += ms;
    else msByPart[part] += ms;
  }
  const busyMs = Object.values(msByPart).reduce((sum, ms) => sum + ms, 0);
  return { msByPart, busyMs, idleMs };
}
