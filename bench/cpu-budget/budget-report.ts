/**
 * The CPU budget as a table: printed, and written into bench/RESULTS.md as a section of its own
 * (and `cpuBudget` in results.json) through report.ts's withSection, which leaves the other
 * benches' sections as they are (and `npm run bench` keeps this one).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { withSection } from '../report';
import type { BudgetRow, RowGroup, Side } from './budget-rows';

export const BUDGET_HEADING = '## CPU budget per MiB (single source, browser to browser)';

export interface BudgetRun {
  date: string;
  mode: 'full' | 'quick';
  machine: string;
  versions: Record<string, string>;
  sizeBytes: number;
  rows: BudgetRow[];
  /** Every process of each browser, per MiB, while the raw data channel moved the same bytes. */
  rawMsPerMiB: Record<Side, number>;
  /** The tab renderer's main thread in the raw turn. */
  rawMainThreadMsPerMiB: Record<Side, number>;
  throughputMiBps: { shoal: number; raw: number };
  /** The main thread's CPU per MiB without and with the profiler: what profiling cost. */
  mainThreadMsPerMiB: Record<Side, { plain: number; profiled: number }>;
  /** Whether each profile was cut to the steady window (else the whole turn's profile counts). */
  profileWindowed: Record<Side, boolean>;
  /** Everything but the main threads, split by what it was for (a traced turn's shares: task-activities.ts). */
  activities: Record<Side, Record<string, number>>;
  /** Steps measured on their own in the same browsers (cost-probes.ts). */
  measuredApart: {
    /** MiB handed to SHA-256 per MiB moved (in the plain turn and the profiled one), and CPU ms per MiB hashed. */
    digest: Record<Side, { hashedPerMiBMoved: { plain: number; profiled: number }; msPerMiBHashed: number }>;
    /** IndexedDB, chunk-sized Blob records, in the downloader's browser. */
    store: { writeMsPerMiB: number; readMsPerMiB: number };
  };
}

const MiB = 1024 * 1024;
const SIDES: readonly Side[] = ['seeder', 'downloader'];
const fixed = (ms: number): string => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(1));
const sum = (rows: readonly BudgetRow[], side: Side): number => rows.reduce((total, row) => total + row.msPerMiB[side], 0);

function tableLines(run: BudgetRun): string[] {
  const total = sum(run.rows, 'seeder') + sum(run.rows, 'downloader');
  const both = (figures: Record<Side, number> | undefined): string => (figures === undefined ? '' : fixed(figures.seeder + figures.downloader));
  const line = (label: string, figures: Record<Side, number>, raw: Record<Side, number> | undefined, isBold = false): string => {
    const cells = [fixed(figures.seeder), fixed(figures.downloader), both(figures), `${(((figures.seeder + figures.downloader) / total) * 100).toFixed(1)} %`, both(raw)];
    const shown = isBold ? cells.map((cell) => (cell === '' ? '' : `**${cell}**`)) : cells;
    return `| ${isBold ? `**${label}**` : `&nbsp;&nbsp;${label}`} | ${shown.join(' | ')} |`;
  };
  const sides = (rows: readonly BudgetRow[], pick: (row: BudgetRow) => Record<Side, number> | undefined): Record<Side, number> => ({
    seeder: rows.reduce((sum, row) => sum + (pick(row)?.seeder ?? 0), 0),
    downloader: rows.reduce((sum, row) => sum + (pick(row)?.downloader ?? 0), 0),
  });
  const lines = ['| part | seeder | downloader | both | of total | raw channel, both |', '| --- | --- | --- | --- | --- | --- |'];
  const groups: RowGroup[] = ['renderer main thread', 'renderer, other threads', 'outside the renderer'];
  for (const group of groups) {
    const rows = run.rows.filter((row) => row.group === group);
    const raw = group === 'renderer main thread' ? run.rawMainThreadMsPerMiB : sides(rows, (row) => row.raw);
    lines.push(line(group, sides(rows, (row) => row.msPerMiB), raw, true));
    for (const row of rows) lines.push(line(row.label, row.msPerMiB, row.raw));
  }
  lines.push(line('total', sides(run.rows, (row) => row.msPerMiB), run.rawMsPerMiB, true));
  // The raw channel's whole cost as a row of its own: its share is of Shoal's total.
  lines.push(line('raw data channel, same run (every process of each browser)', run.rawMsPerMiB, undefined));
  return lines;
}

function sectionLines(run: BudgetRun): string[] {
  const shoalTotal = sum(run.rows, 'seeder') + sum(run.rows, 'downloader');
  const rawTotal = run.rawMsPerMiB.seeder + run.rawMsPerMiB.downloader;
  const profiler = (side: Side): string =>
    `${side} ${fixed(run.mainThreadMsPerMiB[side].plain)} ms/MiB without, ${fixed(run.mainThreadMsPerMiB[side].profiled)} with`;
  const windowed = run.profileWindowed.seeder && run.profileWindowed.downloader;
  return [
    BUDGET_HEADING,
    '',
    'Written by `npm run bench:budget`. CPU ms each MiB of a single-source download costs, between two',
    'Chromiums on this machine through the real app, from the first verified chunk to "Completed". Every',
    "thread's CPU time comes from /proc; the tab renderer's main thread is divided by a V8 CPU profile of",
    'a second turn (Profiler.start/stop through DevTools, 1 ms samples, stacks mapped to source files with',
    "a bench-only build's source maps: bench/cpu-budget/budget-parts.ts). The profile sees only main-thread",
    'JS and the natives it calls (WebCrypto digests run on the main thread in this Chromium, so SHA-256 is',
    "there in full); the IndexedDB rows are the page's side, while the database and its Blob files live in",
    "the browser process; the data channel (SCTP, DTLS) runs on the renderer's WebRTC threads and the UDP",
    'sockets in the network service. Those rows are per thread or process, not per part. One turn each:',
    'on a machine others are using, a row moves by a few ms per MiB from run to run.',
    '',
    `- Date: ${run.date}`,
    `- Mode: ${run.mode}, ${run.sizeBytes / MiB} MiB`,
    `- Machine: ${run.machine}`,
    `- Versions: ${Object.entries(run.versions)
      .map(([name, version]) => `${name} ${version}`)
      .join(', ')}`,
    `- Throughput of the turns timed: Shoal ${run.throughputMiBps.shoal.toFixed(2)} MiB/s, raw data channel ${run.throughputMiBps.raw.toFixed(2)} MiB/s`,
    `- Shoal's CPU per MiB against the raw channel's: ${(shoalTotal / rawTotal).toFixed(2)}x (${fixed(shoalTotal)} against ${fixed(rawTotal)} ms)`,
    `- Main thread, the profiler's cost: ${profiler('seeder')}; ${profiler('downloader')}`,
    ...(windowed ? [] : ['- The profile was not cut to the window (the clocks did not agree): its shares are of the whole turn']),
    ...measuredApartLines(run),
    '',
    ...tableLines(run),
    '',
    ...activityLines(run),
    '',
  ];
}

/** The steps measured on their own, and what they come to per MiB moved (inside the rows, not added to them). */
function measuredApartLines(run: BudgetRun): string[] {
  const { digest, store } = run.measuredApart;
  const hashing = (side: Side): string => {
    const { hashedPerMiBMoved: hashed, msPerMiBHashed } = digest[side];
    const turns = hashed.plain === hashed.profiled ? `${hashed.plain.toFixed(2)}` : `${hashed.plain.toFixed(2)} (plain turn) and ${hashed.profiled.toFixed(2)} (profiled turn)`;
    return `the ${side} hashed ${turns} MiB per MiB moved, at ${fixed(msPerMiBHashed)} ms per MiB hashed: about ${fixed(hashed.plain * msPerMiBHashed)} ms per MiB moved`;
  };
  return [
    '- Measured apart in the same browsers (CPU of every process of the browser while its page does only that step; already inside the rows, not extra):',
    `  SHA-256 (WebCrypto): ${hashing('seeder')}; ${hashing('downloader')}.`,
    ...(SIDES.some((side) => digest[side].hashedPerMiBMoved.plain !== digest[side].hashedPerMiBMoved.profiled)
      ? ["  Where the turns hashed differently (a seeder verifies each chunk the first time it serves it), the main thread's split follows the profiled turn."]
      : []),
    `  IndexedDB, one Blob record per chunk: writing ${fixed(store.writeMsPerMiB)} ms per MiB, reading back (get + arrayBuffer) ${fixed(store.readMsPerMiB)} ms per MiB.`,
  ];
}

function activityLines(run: BudgetRun): string[] {
  const names = [...new Set(SIDES.flatMap((side) => Object.keys(run.activities[side])))];
  const of = (side: Side, name: string): number => run.activities[side][name] ?? 0;
  const rows = names
    .map((name) => ({ name, seeder: of('seeder', name), downloader: of('downloader', name) }))
    .sort((a, b) => b.seeder + b.downloader - (a.seeder + a.downloader));
  return [
    'Outside the main threads (the last two groups above), by what the work was for: each thread row split by',
    'the shares its tasks had in a fourth, traced turn (Chromium tracing, `toplevel` and `mojom`: where each task',
    'was posted from and the IPC interface it served; bench/cpu-budget/task-activities.ts).',
    '',
    '| outside the main threads, by activity | seeder | downloader | both |',
    '| --- | --- | --- | --- |',
    ...rows.map((row) => `| ${row.name} | ${fixed(row.seeder)} | ${fixed(row.downloader)} | ${fixed(row.seeder + row.downloader)} |`),
  ];
}

export function printBudget(run: BudgetRun): void {
  const lines = sectionLines(run);
  console.log(['', ...lines.slice(lines.findIndex((line) => line.startsWith('- Date')))].join('\n'));
}

export async function writeBudget(dir: string, run: BudgetRun): Promise<void> {
  const markdown = (await readFile(`${dir}/RESULTS.md`, 'utf8').catch(() => undefined)) ?? '# Benchmark results\n';
  await writeFile(`${dir}/RESULTS.md`, withSection(markdown, BUDGET_HEADING, sectionLines(run).join('\n')));
  const json = await readFile(`${dir}/results.json`, 'utf8').catch(() => undefined);
  const rest = json === undefined ? {} : (JSON.parse(json) as Record<string, unknown>);
  await writeFile(`${dir}/results.json`, `${JSON.stringify({ ...rest, cpuBudget: run }, null, 2)}\n`);
}
