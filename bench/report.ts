/** Benchmark figures: printed as a table, written to bench/results.json and bench/RESULTS.md. */
import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';

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

function tableRows(figures: Figure[]): string[] {
  return figures.map((figure) => {
    const verdict = figure.meetsTarget === null ? '' : figure.meetsTarget ? 'yes' : 'NO';
    return `| ${figure.name} | ${round(figure.value)} ${figure.unit} | ${figure.baseline.name}: ${round(figure.baseline.value)} ${figure.baseline.unit} | ${figure.ratio.toFixed(2)} | ${figure.target} | ${verdict} |`;
  });
}

export function printTable(figures: Figure[]): void {
  console.log('');
  console.log('| figure | value | baseline (same run) | ratio | target | met |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const row of tableRows(figures)) console.log(row);
}

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

const NET_HEADING = '## Shaped link (`npm run bench:net`)';

async function readIfThere(file: string): Promise<string | undefined> {
  return readFile(file, 'utf8').catch(() => undefined);
}

async function storedNetResults(dir: string): Promise<{ json: unknown; markdown: string }> {
  const json = await readIfThere(`${dir}/results.json`);
  const markdown = (await readIfThere(`${dir}/RESULTS.md`)) ?? '';
  const at = markdown.indexOf(NET_HEADING);
  return { json: json === undefined ? undefined : (JSON.parse(json) as { net?: unknown }).net, markdown: at < 0 ? '' : markdown.slice(at) };
}

export async function writeNetResults(dir: string, net: NetResults): Promise<void> {
  const json = await readIfThere(`${dir}/results.json`);
  const rest = json === undefined ? {} : (JSON.parse(json) as Record<string, unknown>);
  await writeFile(`${dir}/results.json`, `${JSON.stringify({ ...rest, net }, null, 2)}\n`);
  const markdown = (await readIfThere(`${dir}/RESULTS.md`)) ?? '# Benchmark results\n';
  const at = markdown.indexOf(NET_HEADING);
  const before = (at < 0 ? markdown : markdown.slice(0, at)).trimEnd();
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
    '| figure | value | baseline (same run) | ratio | target | met |',
    '| --- | --- | --- | --- | --- | --- |',
    ...tableRows(net.figures),
    '',
  ];
  await writeFile(`${dir}/RESULTS.md`, `${before}\n\n${section.join('\n')}`);
}

export async function writeResults(dir: string, info: RunInfo, figures: Figure[]): Promise<void> {
  const net = await storedNetResults(dir);
  // Sections other benches merged in (bench:tracker's `trackerLoad`) stay as they were.
  const stored = await readIfThere(`${dir}/results.json`);
  const { trackerLoad } = stored === undefined ? { trackerLoad: undefined } : (JSON.parse(stored) as { trackerLoad?: unknown });
  const kept = { ...(net.json === undefined ? {} : { net: net.json }), ...(trackerLoad === undefined ? {} : { trackerLoad }) };
  await writeFile(`${dir}/results.json`, `${JSON.stringify({ ...info, figures, ...kept }, null, 2)}\n`);
  const markdown = [
    '# Benchmark results',
    '',
    'Written by `npm run bench` (full) or `npm run bench -- --quick`; each figure is compared with a baseline',
    'measured in the same run on the same machine, so the ratio means more than the absolute number.',
    '',
    `- Date: ${info.date}`,
    `- Mode: ${info.mode}`,
    `- Machine: ${info.machine}`,
    `- Versions: ${Object.entries(info.versions)
      .map(([name, version]) => `${name} ${version}`)
      .join(', ')}`,
    '',
    '| figure | value | baseline (same run) | ratio | target | met |',
    '| --- | --- | --- | --- | --- | --- |',
    ...tableRows(figures),
    '',
  ].join('\n');
  await writeFile(`${dir}/RESULTS.md`, net.markdown === '' ? markdown : `${markdown}\n${net.markdown}`);
}
