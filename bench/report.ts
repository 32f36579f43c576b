/** Benchmark figures: printed as a table, written to bench/results.json and bench/RESULTS.md. */
import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { invalidReasonOf, verdictOf, type PhysicalLimit } from './physical-limit';
import { describeTurns, outlierTurns } from './turn-spread';

export interface Figure {
  name: string;
  value: number;
  unit: string;
  /** What the value is compared with, measured in the same run. */
  baseline: { name: string; value: number; unit: string };
  ratio: number;
  /** The goal, e.g. ">= 0.9 ratio" or "< 256 MiB"; empty when the issue sets none. */
  target: string;
  meetsTarget: boolean | null;
  /** What the set-up physically allows; a figure past it is INVALID, never met (physical-limit.ts).
   * Optional only for benches that set up no such limit (bench:tracker). */
  physicalLimit?: PhysicalLimit;
  /** Each turn's value (and the baseline's), in their units, when the figure is a median of turns. */
  turns?: FigureTurns;
}

export interface FigureTurns {
  value: number[];
  baseline?: number[];
}

export interface RunInfo {
  date: string;
  mode: 'full' | 'quick';
  machine: string;
  versions: Record<string, string>;
}

export function machineDescription(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return `${cpu}, ${os.cpus().length} cores, ${(os.totalmem() / 1024 ** 3).toFixed(0)} GiB RAM, ${os.type()} ${os.release()}`;
}

const round = (value: number): string => (Math.abs(value) >= 100 ? value.toFixed(0) : value.toFixed(2));

const hasOutlierTurn = (figure: Figure): boolean =>
  outlierTurns(figure.turns?.value ?? []).length > 0 || outlierTurns(figure.turns?.baseline ?? []).length > 0;

export function tableRows(figures: Figure[]): string[] {
  return figures.map((figure) => {
    const verdict = [verdictOf(figure), hasOutlierTurn(figure) ? 'outlier turn (notes)' : ''].filter((part) => part !== '').join(', ');
    return `| ${figure.name} | ${round(figure.value)} ${figure.unit} | ${figure.baseline.name}: ${round(figure.baseline.value)} ${figure.baseline.unit} | ${figure.ratio.toFixed(2)} | ${figure.target} | ${verdict} |`;
  });
}

/**
 * Under the table: each figure past its physical limit with the reason, each figure's turns with
 * their spread and any turn more than a third from the median, and the limits the set-ups declare.
 */
export function figureNotes(figures: Figure[]): string[] {
  return figures.flatMap((figure) => {
    const notes: string[] = [];
    const invalid = invalidReasonOf(figure);
    if (invalid !== undefined) notes.push(`- INVALID ${figure.name}: ${invalid}`);
    if (figure.turns !== undefined) {
      const baseline = figure.turns.baseline === undefined ? '' : `; ${figure.baseline.name}: ${describeTurns(figure.turns.baseline, figure.baseline.unit)}`;
      notes.push(`- ${figure.name}: ${describeTurns(figure.turns.value, figure.unit)}${baseline}`);
    }
    const limit = figure.physicalLimit;
    if (invalid === undefined && limit !== undefined && (limit.maxRatio ?? limit.maxValue ?? limit.maxBaselineValue) !== undefined) {
      notes.push(`- ${figure.name}, physical limit: ${limit.because}`);
    }
    return notes;
  });
}

export function printTable(figures: Figure[]): void {
  console.log('');
  console.log('| figure | value | baseline (same run) | ratio | target | met |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const row of tableRows(figures)) console.log(row);
  const notes = figureNotes(figures);
  if (notes.length > 0) console.log(['', ...notes].join('\n'));
}

/** Figures as results.json keeps them: with the verdict and, past a physical limit, why. */
const jsonFigures = (figures: Figure[]) =>
  figures.map((figure) => ({ ...figure, verdict: verdictOf(figure), invalidReason: invalidReasonOf(figure) ?? null }));

/** The shaped-link figures of `npm run bench:net`: a section of their own in both files, which
 * `npm run bench` keeps when it rewrites the rest (and bench:net keeps the rest). */
export interface NetResults {
  date: string;
  machine: string;
  versions: Record<string, string>;
  link: { roundTripMs: number; lossPercent: number; rateMbit: number; capacityMiBps: number; queuePackets: number; emulator: string };
  turns: number;
  /** Each turn's throughput, for how far they spread. */
  turnRatesMiBps: { raw: number[]; shoal: number[] };
  /** What the link did: frames passed, lost at random, dropped by its full queue. */
  linkCounters: string;
  figures: Figure[];
}

/** The table and its notes, as RESULTS.md shows them. */
export function tableWithNotes(figures: Figure[]): string[] {
  const notes = figureNotes(figures);
  return [
    '| figure | value | baseline (same run) | ratio | target | met |',
    '| --- | --- | --- | --- | --- | --- |',
    ...tableRows(figures),
    ...(notes.length === 0 ? [] : ['', ...notes]),
  ];
}

const NET_HEADING = '## Shaped link (`npm run bench:net`)';

async function readIfThere(file: string): Promise<string | undefined> {
  return readFile(file, 'utf8').catch(() => undefined);
}

/**
 * Replaces the section under `heading` (up to the next `## ` heading) or appends it at the end: how
 * each bench writes its own section of RESULTS.md and leaves the others' as they were.
 */
export function withSection(markdown: string, heading: string, section: string): string {
  const at = markdown.indexOf(heading);
  if (at < 0) return `${markdown.trimEnd()}\n\n${section.trimEnd()}\n`;
  const next = markdown.indexOf('\n## ', at + heading.length);
  const after = next < 0 ? '' : `\n${markdown.slice(next + 1)}`;
  return `${markdown.slice(0, at)}${section.trimEnd()}\n${after}`;
}

/** The sections other benches wrote (bench:net's, bench:first-frame's, ...): every `## ` section. */
function otherSections(markdown: string): string {
  const at = markdown.search(/^## /m);
  return at < 0 ? '' : markdown.slice(at);
}

export async function writeNetResults(dir: string, net: NetResults): Promise<void> {
  const json = await readIfThere(`${dir}/results.json`);
  const rest = json === undefined ? {} : (JSON.parse(json) as Record<string, unknown>);
  await writeFile(`${dir}/results.json`, `${JSON.stringify({ ...rest, net: { ...net, figures: jsonFigures(net.figures) } }, null, 2)}\n`);
  const markdown = (await readIfThere(`${dir}/RESULTS.md`)) ?? '# Benchmark results\n';
  const { roundTripMs, lossPercent, rateMbit, capacityMiBps, queuePackets, emulator } = net.link;
  const turnRates = (rates: number[]): string => rates.map((rate) => rate.toFixed(2)).join(', ');
  const section = [
    NET_HEADING,
    '',
    'Two Chromiums in two network namespaces joined by one shaped link; the tracker runs in the',
    "seeder's namespace, so the downloader reaches it over the link too. The link, not the CPU, is the",
    'limit here, so the ratios say how well Shoal uses a real network: a single-source download against',
    'one raw data channel between the same two browsers, and both as a share of the link. Medians of the',
    'turns. CPU per MiB: the first row counts the processes in the two namespaces over whole turns',
    "(connecting included; not the kernel's packet work outside them); the machine row counts",
    'everything the machine does, other work included, so on a shared machine it says little.',
    '',
    `- Link: ${roundTripMs} ms round trip (${roundTripMs / 2} ms each way), ${lossPercent} % random loss each way,`,
    `  ${rateMbit} Mbit/s each way (${capacityMiBps.toFixed(2)} MiB/s), a queue of ${queuePackets} packets; ${emulator}`,
    `- Each turn, MiB/s: raw ${turnRates(net.turnRatesMiBps.raw)}; Shoal ${turnRates(net.turnRatesMiBps.shoal)}`,
    `- Link counters: ${net.linkCounters.replaceAll('\n', '; ')}`,
    `- Date: ${net.date}`,
    `- Machine: ${net.machine}`,
    `- Versions: ${Object.entries(net.versions)
      .map(([name, version]) => `${name} ${version}`)
      .join(', ')}`,
    `- Turns: ${net.turns}`,
    '',
    ...tableWithNotes(net.figures),
    '',
  ];
  await writeFile(`${dir}/RESULTS.md`, withSection(markdown, NET_HEADING, section.join('\n')));
}

export async function writeResults(dir: string, info: RunInfo, figures: Figure[]): Promise<void> {
  // What other benches merged in (bench:net's `net`, bench:tracker's `trackerLoad`, ...) stays as it was.
  const stored = await readIfThere(`${dir}/results.json`);
  const { date: _date, mode: _mode, machine: _machine, versions: _versions, figures: _figures, ...kept } = (
    stored === undefined ? {} : JSON.parse(stored)
  ) as Record<string, unknown>;
  await writeFile(`${dir}/results.json`, `${JSON.stringify({ ...info, figures: jsonFigures(figures), ...kept }, null, 2)}\n`);
  const markdown = [
    '# Benchmark results',
    '',
    'Written by `npm run bench` (full) or `npm run bench -- --quick`; each figure is compared with a baseline',
    'measured in the same run on the same machine, so the ratio means more than the absolute number.',
    'A figure above what its set-up physically allows is marked INVALID with the reason (and the run',
    'exits non-zero); a turn more than a third from its median is flagged in the notes under the table.',
    '',
    `- Date: ${info.date}`,
    `- Mode: ${info.mode}`,
    `- Machine: ${info.machine}`,
    `- Versions: ${Object.entries(info.versions)
      .map(([name, version]) => `${name} ${version}`)
      .join(', ')}`,
    '',
    ...tableWithNotes(figures),
    '',
  ].join('\n');
  const sections = otherSections((await readIfThere(`${dir}/RESULTS.md`)) ?? '');
  await writeFile(`${dir}/RESULTS.md`, sections === '' ? markdown : `${markdown}\n${sections}`);
}
