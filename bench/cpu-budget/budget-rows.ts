/**
 * The budget's rows from one side's measurements: the tab renderer's main thread split by the JS
 * profile's shares of its parts, the renderer's other threads by name, and the browser's other
 * processes by kind, all in CPU ms per MiB moved. The main thread's total comes from /proc over a
 * turn run without the profiler, so the profiler's own cost is not in the budget; the profile
 * (another turn) only says how that total divides.
 */
import { MAIN_THREAD_PARTS, type MainThreadPart } from './budget-parts';
import type { ProfileParts } from './profile-attribution';
import type { ThreadCpu } from './thread-cpu';
import { browserThreadLabel, OUTSIDE_PROCESS_LABELS, rendererThreadLabel } from './thread-groups';

const MiB = 1024 * 1024;

export type Side = 'seeder' | 'downloader';
export type RowGroup = 'renderer main thread' | 'renderer, other threads' | 'outside the renderer';

export interface BudgetRow {
  group: RowGroup;
  label: string;
  msPerMiB: Record<Side, number>;
  /** The same thread or process while the raw data channel moved the bytes; absent for the
   * main thread's parts (the raw turn has no profile: its main thread is one figure). */
  raw?: Record<Side, number>;
}

/** One browser's share of a turn: every thread's CPU over the turn's window and the bytes it moved. */
export interface TurnCpu {
  threads: ThreadCpu[];
  bytes: number;
}

export interface SideMeasurement {
  /** The turn run without the profiler. */
  plain: TurnCpu;
  /** The profiled turn: its main-thread profile by part, and /proc's view of the same window. */
  profiled: TurnCpu & { parts: ProfileParts };
}

/** The renderer whose main thread worked most in the window: the tab's (a spare renderer idles). */
export function tabRendererPid(threads: readonly ThreadCpu[]): number | undefined {
  const mains = threads.filter((thread) => thread.processKind === 'renderer' && thread.isMainThread);
  return mains.sort((a, b) => b.cpuMs - a.cpuMs)[0]?.pid;
}

export function mainThreadMsPerMiB(turn: TurnCpu): number {
  const tab = tabRendererPid(turn.threads);
  const main = turn.threads.find((thread) => thread.pid === tab && thread.isMainThread);
  return (main?.cpuMs ?? 0) / (turn.bytes / MiB);
}

export type LabelledRows = Map<string, { group: RowGroup; msPerMiB: number }>;

function addTo(rows: LabelledRows, group: RowGroup, label: string, msPerMiB: number): void {
  const row = rows.get(label) ?? { group, msPerMiB: 0 };
  row.msPerMiB += msPerMiB;
  rows.set(label, row);
}

/** CPU ms per MiB of one side's turn, by row label. */
function sideRows(side: SideMeasurement): LabelledRows {
  const rows: LabelledRows = new Map();
  const mainMsPerMiB = mainThreadMsPerMiB(side.plain);
  const { msByPart, busyMs } = side.profiled.parts;
  for (const part of Object.keys(MAIN_THREAD_PARTS) as MainThreadPart[]) {
    addTo(rows, 'renderer main thread', MAIN_THREAD_PARTS[part], busyMs === 0 ? 0 : (mainMsPerMiB * msByPart[part]) / busyMs);
  }
  for (const [label, row] of otherThreadRows(side.plain)) addTo(rows, row.group, label, row.msPerMiB);
  return rows;
}

/** The row a thread other than the tab's main thread belongs to; undefined for that main thread. */
export function rowOfThread(thread: Omit<ThreadCpu, 'cpuMs'>, tabPid: number | undefined): { group: RowGroup; label: string } | undefined {
  if (thread.pid === tabPid && thread.isMainThread) return undefined;
  if (thread.pid === tabPid) return { group: 'renderer, other threads', label: rendererThreadLabel(thread.name) };
  if (thread.processKind === 'browser') return { group: 'outside the renderer', label: browserThreadLabel(thread.name, thread.isMainThread) };
  return { group: 'outside the renderer', label: OUTSIDE_PROCESS_LABELS[thread.processKind] };
}

/** Every thread but the tab's main thread, per MiB, by row label. */
export function otherThreadRows(turn: TurnCpu): LabelledRows {
  const rows: LabelledRows = new Map();
  const tab = tabRendererPid(turn.threads);
  for (const thread of turn.threads) {
    const row = rowOfThread(thread, tab);
    if (row !== undefined) addTo(rows, row.group, row.label, thread.cpuMs / (turn.bytes / MiB));
  }
  return rows;
}

const GROUP_ORDER: readonly RowGroup[] = ['renderer main thread', 'renderer, other threads', 'outside the renderer'];

/**
 * Both sides' rows, grouped as GROUP_ORDER and, within a group, in the table's order then by size;
 * with `raw` (the raw channel's turn), each thread and process row carries its raw figures too.
 */
export function budgetRows(sides: Record<Side, SideMeasurement>, raw?: Record<Side, TurnCpu>): BudgetRow[] {
  const seeder = sideRows(sides.seeder);
  const downloader = sideRows(sides.downloader);
  const rawRows = raw === undefined ? undefined : { seeder: otherThreadRows(raw.seeder), downloader: otherThreadRows(raw.downloader) };
  const labels = new Map<string, RowGroup>();
  for (const [label, row] of [...seeder, ...downloader, ...(rawRows?.seeder ?? []), ...(rawRows?.downloader ?? [])]) labels.set(label, row.group);
  const rows = [...labels].map(([label, group]): BudgetRow => ({
    group,
    label,
    msPerMiB: { seeder: seeder.get(label)?.msPerMiB ?? 0, downloader: downloader.get(label)?.msPerMiB ?? 0 },
    ...(rawRows === undefined || group === 'renderer main thread'
      ? {}
      : { raw: { seeder: rawRows.seeder.get(label)?.msPerMiB ?? 0, downloader: rawRows.downloader.get(label)?.msPerMiB ?? 0 } }),
  }));
  const mainOrder = Object.values(MAIN_THREAD_PARTS) as string[];
  const both = (row: BudgetRow): number => row.msPerMiB.seeder + row.msPerMiB.downloader;
  return rows.sort(
    (a, b) =>
      GROUP_ORDER.indexOf(a.group) - GROUP_ORDER.indexOf(b.group) ||
      (a.group === 'renderer main thread' ? mainOrder.indexOf(a.label) - mainOrder.indexOf(b.label) : both(b) - both(a)),
  );
}

/** All of a turn's CPU per MiB, every process of the browser. */
export function totalMsPerMiB(turn: TurnCpu): number {
  return turn.threads.reduce((sum, thread) => sum + thread.cpuMs, 0) / (turn.bytes / MiB);
}
