/**
 * CPU ms per MiB each end of a Node benchmark transfer used: the whole process, and split by thread
 * group (node-thread-cpu.ts), so a figure shows which threads Shoal's extra cost is on.
 */
import { cpuBetween, NODE_THREAD_GROUPS, readThreads, type NodeThreadGroup, type ThreadReadings } from './node-thread-cpu';
import { cpuMsOfProcess } from './process-cpu';
import { median } from './rounds';

const MiB = 1024 * 1024;

/** CPU ms this process has used, user and system. */
function ownCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** The process's CPU that no group shows: threads that ended before the window's end was read. */
const ENDED_THREADS = 'threads that ended' as const;

/** CPU ms per MiB one end of a transfer used: its whole process, and split by thread group. */
interface EndCpu {
  msPerMiB: number[];
  byGroup: Record<NodeThreadGroup | typeof ENDED_THREADS, number[]>;
}

/** Both ends; the receiver's only when it is this process (whose tracker and Playwright sit idle
 * while data flows). */
export interface EndsCpu {
  sender: EndCpu;
  receiver: EndCpu;
}

function endCpu(): EndCpu {
  return { msPerMiB: [], byGroup: { 'main thread': [], 'WebRTC threads': [], 'file I/O pool and V8 helpers': [], [ENDED_THREADS]: [] } };
}

export function endsCpu(): EndsCpu {
  return { sender: endCpu(), receiver: endCpu() };
}

/** One end's readings at the start of a window: the process's total (which keeps the CPU of threads
 * that end in the window) and its thread groups. */
function readEnd(pid: number | undefined): { totalMs: number; threads: ThreadReadings } | undefined {
  if (pid === undefined) return undefined;
  const totalMs = pid === process.pid ? ownCpuMs() : cpuMsOfProcess(pid);
  const threads = readThreads(pid);
  return totalMs === undefined || threads === undefined ? undefined : { totalMs, threads };
}

function recordEnd(into: EndCpu, pid: number | undefined, before: ReturnType<typeof readEnd>, mib: number): void {
  const after = readEnd(pid);
  if (before === undefined || after === undefined) return;
  const totalMs = after.totalMs - before.totalMs;
  into.msPerMiB.push(totalMs / mib);
  const spent = cpuBetween(before.threads, after.threads);
  for (const group of NODE_THREAD_GROUPS) into.byGroup[group].push(spent[group] / mib);
  const shownMs = NODE_THREAD_GROUPS.reduce((sum, group) => sum + spent[group], 0);
  into.byGroup[ENDED_THREADS].push(Math.max(0, totalMs - shownMs) / mib);
}

/** Records the CPU a sending process (and, when `countsReceiver`, this process) used over `transfer`. */
export async function withEndsCpu<T>(
  into: EndsCpu,
  senderPid: number | undefined,
  totalBytes: number,
  countsReceiver: boolean,
  transfer: () => Promise<T>,
): Promise<T> {
  const receiverPid = countsReceiver ? process.pid : undefined;
  const senderBefore = readEnd(senderPid);
  const receiverBefore = readEnd(receiverPid);
  const result = await transfer();
  recordEnd(into.sender, senderPid, senderBefore, totalBytes / MiB);
  recordEnd(into.receiver, receiverPid, receiverBefore, totalBytes / MiB);
  return result;
}

export function printEndsCpu(label: string, raw: EndsCpu, shoal: EndsCpu, names: { sender: string; receiver: string }): void {
  const msOf = (values: number[]): string => (values.length === 0 ? '-' : `${median(values).toFixed(1)} ms`);
  const ends = (senderName: string, receiverName: string, cpu: EndsCpu): string =>
    `${senderName} ${msOf(cpu.sender.msPerMiB)}${cpu.receiver.msPerMiB.length === 0 ? '' : `, ${receiverName} ${msOf(cpu.receiver.msPerMiB)}`}`;
  console.log(`  CPU per MiB by process, ${label} (medians): raw ${ends('sender', 'receiver', raw)}; Shoal ${ends(names.sender, names.receiver, shoal)}`);
  // Which threads the difference is on: the same binding's WebRTC threads on both, so the rest is what Shoal adds.
  const groupsOf = (name: string, end: EndCpu): string | undefined =>
    end.msPerMiB.length === 0 ? undefined : `${name}: ${[...NODE_THREAD_GROUPS, ENDED_THREADS].map((group) => `${group} ${median(end.byGroup[group]).toFixed(1)}`).join(', ')}`;
  const rows = [
    groupsOf('raw sender', raw.sender),
    groupsOf('raw receiver', raw.receiver),
    groupsOf(names.sender, shoal.sender),
    groupsOf(names.receiver, shoal.receiver),
  ].filter((row) => row !== undefined);
  console.log(`  by thread, ms per MiB (medians): ${rows.join('; ')}`);
}
