/**
 * What the threads and processes outside the profiled main thread are, for the budget's rows: the
 * tab renderer's other threads by name, the browser's other processes by kind. Names are the
 * kernel's 15-character thread names Chromium sets.
 */
import type { ProcessKind } from './process-tree';

/** The tab renderer's threads other than its main thread; the first pattern that matches wins. */
export const RENDERER_THREAD_GROUPS: readonly { name: RegExp; label: string }[] = [
  { name: /^WebRTC_/, label: 'WebRTC threads (SCTP, DTLS: the data channel itself)' },
  { name: /^WebCrypto/, label: 'WebCrypto thread (SHA-256 digests)' },
  { name: /^ThreadPool/, label: 'thread pool (GC and compiler helpers, IPC, Blob reads)' },
  { name: /^(Compositor|VizCompositor|CompositorTileW)/, label: 'compositor' },
  // Every UDP packet goes to the network service over IPC, and every Blob's bytes (IndexedDB, File reads) to the browser.
  { name: /^Chrome_ChildIOT/, label: 'IPC I/O thread (UDP packets to the network service, Blob bytes to the browser)' },
  { name: /Worker/, label: 'workers (a hashing worker, if any)' },
  { name: /.*/, label: 'other renderer threads' },
];

/** The browser's processes other than the tab's renderer, by kind ('renderer': every other renderer). */
export const OUTSIDE_PROCESS_LABELS: Record<ProcessKind, string> = {
  browser: 'browser process', // split by thread: BROWSER_THREAD_GROUPS
  network: 'network service (the UDP sockets)',
  gpu: 'GPU process',
  storage: 'storage service',
  utility: 'other utility processes',
  zygote: 'zygotes',
  other: 'other processes',
  renderer: 'other renderers (a spare one, say)',
};

/** The browser process's threads: where IndexedDB, Blob storage and IPC routing run. */
export const BROWSER_THREAD_GROUPS: readonly { name: RegExp; label: string; isMainThread?: boolean }[] = [
  { name: /.*/, isMainThread: true, label: 'browser process, main thread (UI, IPC routing)' },
  { name: /^Chrome_IOThread/, label: 'browser process, IO thread (IPC, Blob data pipes)' },
  { name: /^(ThreadPool|IndexedDB)/, label: 'browser process, thread pool (IndexedDB, Blob files, disk)' },
  { name: /.*/, label: 'browser process, other threads' },
];

export function browserThreadLabel(threadName: string, isMainThread: boolean): string {
  const group = BROWSER_THREAD_GROUPS.find((entry) => (entry.isMainThread ?? false) === isMainThread && entry.name.test(threadName));
  return group?.label ?? 'browser process, other threads';
}

export function rendererThreadLabel(threadName: string): string {
  return (RENDERER_THREAD_GROUPS.find((group) => group.name.test(threadName)) ?? { label: 'other renderer threads' }).label;
}
