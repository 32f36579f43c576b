/**
 * What the work outside the main thread was for, from a Chromium trace (categories `toplevel` and
 * `mojom`): each task a thread ran carries where it was posted from (`src_file`) and, for IPC, the
 * Mojo interface it served (`network.mojom.P2PSocket`, `blink.mojom.Blob`, ...). One table maps
 * those to activities; with the /proc rows of the plain turn, the budget splits each thread's CPU
 * by the traced turn's shares, as it splits the main thread by the profile's.
 */
import type { ProcessKind } from './process-tree';

export const ACTIVITY_RULES: readonly { tag: RegExp; activity: string }[] = [
  { tag: /P2PSocket|third_party\/webrtc|dcsctp|p2p\//, activity: 'data channel transport (SCTP, DTLS, UDP sockets)' },
  { tag: /indexed_db|IDB|leveldb|Blob|blob|file_stream|file_writer|file_reader|FileReader/, activity: 'Blob bytes and IndexedDB (store writes, File or store reads)' },
  { tag: /stream_handle_input_stream|components\/download/, activity: 'saving the finished file (browser download)' },
  { tag: /WebSocket|URLLoader|network\.mojom\.(?!P2P)/, activity: 'tracker connection and page loads' },
  { tag: /v8\/|cppgc/, activity: 'V8 helpers (GC, compilers)' },
  { tag: /tracing|Perfetto|DevTools/, activity: 'measuring (tracing, DevTools)' },
  { tag: /^cc\/|viz|Compositor|display_scheduler/, activity: 'rendering (compositor, frames)' },
];

export const UNATTRIBUTED_ACTIVITY = 'IPC and tasks the trace does not name';

const TRANSPORT = ACTIVITY_RULES[0]?.activity as string;

export function activityOf(tag: string, processKind: ProcessKind): string {
  // The network service watches its sockets' file descriptors directly: an untagged wake-up there is
  // socket I/O, nearly all of it the data channel's UDP (the tracker's WebSocket carries little).
  if (tag === '' && processKind === 'network') return TRANSPORT;
  return ACTIVITY_RULES.find((rule) => rule.tag.test(tag))?.activity ?? UNATTRIBUTED_ACTIVITY;
}

/**
 * The rows' CPU per MiB (from /proc, a plain turn) split by activity, each row by the shares its
 * threads' traced tasks had in the traced turn; a row with no traced task stays unattributed.
 */
export function splitByActivity(
  rows: ReadonlyMap<string, { msPerMiB: number }>,
  tasks: readonly TracedTask[],
  rowLabelOf: (task: TracedTask) => string | undefined,
): Map<string, number> {
  const tracedByRow = new Map<string, Map<string, number>>();
  for (const task of tasks) {
    const label = rowLabelOf(task);
    if (label === undefined) continue;
    const activities = tracedByRow.get(label) ?? new Map<string, number>();
    const activity = activityOf(task.tag, task.processKind);
    activities.set(activity, (activities.get(activity) ?? 0) + task.cpuMs);
    tracedByRow.set(label, activities);
  }
  const split = new Map<string, number>();
  const add = (activity: string, msPerMiB: number): void => {
    split.set(activity, (split.get(activity) ?? 0) + msPerMiB);
  };
  for (const [label, { msPerMiB }] of rows) {
    const activities = tracedByRow.get(label);
    const tracedMs = [...(activities?.values() ?? [])].reduce((sum, ms) => sum + ms, 0);
    if (activities === undefined || tracedMs === 0) {
      add(UNATTRIBUTED_ACTIVITY, msPerMiB);
      continue;
    }
    for (const [activity, ms] of activities) add(activity, (msPerMiB * ms) / tracedMs);
  }
  return split;
}

/** One top-level task of a thread: its thread CPU time and what names it. */
export interface TracedTask {
  pid: number;
  tid: number;
  threadName: string;
  processKind: ProcessKind;
  /** When the task began, µs of the browser's monotonic clock. */
  startUs: number;
  cpuMs: number;
  /** `src_file:src_func` and the Mojo interface tags of the task and what ran inside it. */
  tag: string;
}

interface TraceEvent {
  ph: string;
  name: string;
  pid: number;
  tid: number;
  ts?: number;
  dur?: number;
  tdur?: number;
  args?: { name?: string; src_file?: string; src_func?: string; chrome_mojo_event_info?: Record<string, unknown> };
}

export function processKindOfTraceName(name: string): ProcessKind {
  if (name === 'Browser') return 'browser';
  if (/Renderer/.test(name)) return 'renderer';
  if (/NetworkService/.test(name)) return 'network';
  if (/StorageService/.test(name)) return 'storage';
  if (/GPU/.test(name)) return 'gpu';
  return /^Service:/.test(name) ? 'utility' : 'other';
}

/** The top-level tasks of every thread in a JSON trace (events inside another event of the same thread are folded into it). */
export function tracedTasks(traceJson: string): TracedTask[] {
  const events = (JSON.parse(traceJson) as { traceEvents: TraceEvent[] }).traceEvents;
  const threadNames = new Map<string, string>();
  const processNames = new Map<number, string>();
  const byThread = new Map<string, TraceEvent[]>();
  for (const event of events) {
    const key = `${event.pid}/${event.tid}`;
    if (event.ph === 'M' && event.name === 'thread_name') threadNames.set(key, event.args?.name ?? '');
    if (event.ph === 'M' && event.name === 'process_name') processNames.set(event.pid, event.args?.name ?? '');
    if (event.ph !== 'X' || event.ts === undefined || event.dur === undefined) continue;
    const threadEvents = byThread.get(key);
    if (threadEvents === undefined) byThread.set(key, [event]);
    else threadEvents.push(event);
  }
  const tasks: TracedTask[] = [];
  for (const [key, threadEvents] of byThread) {
    threadEvents.sort((a, b) => (a.ts as number) - (b.ts as number) || (b.dur as number) - (a.dur as number));
    let current: TracedTask | undefined;
    let endsAt = -Infinity;
    for (const event of threadEvents) {
      const info = event.args?.chrome_mojo_event_info;
      const interfaceTag = [info?.['watcher_notify_interface_tag'], info?.['mojo_interface_tag']].filter((value) => typeof value === 'string').join(' ');
      const source = event.args?.src_file === undefined ? '' : `${event.args.src_file}:${event.args.src_func ?? ''}`;
      if (current === undefined || (event.ts as number) >= endsAt) {
        current = {
          pid: event.pid,
          tid: event.tid,
          threadName: threadNames.get(key) ?? '',
          processKind: processKindOfTraceName(processNames.get(event.pid) ?? ''),
          startUs: event.ts as number,
          cpuMs: (event.tdur ?? 0) / 1000,
          tag: `${source} ${interfaceTag}`.trim(),
        };
        endsAt = (event.ts as number) + (event.dur as number);
        tasks.push(current);
      } else if (source !== '' || interfaceTag !== '') {
        current.tag = `${current.tag} ${source} ${interfaceTag}`.trim();
      }
    }
  }
  return tasks;
}
