/**
 * CPU ms a Node peer's process has used, split by what its threads do: the main thread (JS: the
 * engine, SHA-256 through node:crypto), wrtc's WebRTC threads (SCTP, DTLS, the UDP sockets: all
 * named `PeerConnectionF…` by the binding), and every other thread (libuv's pool, where file reads
 * and writes run, and V8's GC and compiler helpers: both unnamed, so one group). From
 * /proc/<pid>/task/<tid>/stat; Linux only, elsewhere undefined.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { parseProcStat } from './process-cpu';

export const NODE_THREAD_GROUPS = ['main thread', 'WebRTC threads', 'file I/O pool and V8 helpers'] as const;
export type NodeThreadGroup = (typeof NODE_THREAD_GROUPS)[number];
export type CpuByThreadGroup = Record<NodeThreadGroup, number>;

/** The group of thread `tid` of process `pid`, by its kernel name. */
export function threadGroupOf(pid: number, tid: number, name: string): NodeThreadGroup {
  if (tid === pid) return 'main thread';
  return name.startsWith('PeerConnection') ? 'WebRTC threads' : 'file I/O pool and V8 helpers';
}

/** Each live thread's group and CPU ms so far, by thread id. */
export type ThreadReadings = Map<number, { group: NodeThreadGroup; cpuMs: number }>;

/** The CPU each thread of the process has used so far; undefined when /proc cannot be read. */
export function readThreads(pid: number): ThreadReadings | undefined {
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return undefined;
  }
  const readings: ThreadReadings = new Map();
  for (const tid of tids) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    } catch {
      continue; // the thread ended between listing and reading
    }
    const parsed = parseProcStat(stat);
    if (parsed !== undefined) readings.set(Number(tid), { group: threadGroupOf(pid, Number(tid), parsed.name), cpuMs: parsed.cpuMs });
  }
  return readings;
}

/**
 * What each group used between two readings of the same process, thread by thread: a thread that
 * started in between counts from zero; one that ended in between is in no group (its CPU shows only
 * in the process's total), so read both ends of a window while its connections are still open.
 */
export function cpuBetween(before: ThreadReadings, after: ThreadReadings): CpuByThreadGroup {
  const spent: CpuByThreadGroup = { 'main thread': 0, 'WebRTC threads': 0, 'file I/O pool and V8 helpers': 0 };
  for (const [tid, { group, cpuMs }] of after) spent[group] += cpuMs - (before.get(tid)?.cpuMs ?? 0);
  return spent;
}
