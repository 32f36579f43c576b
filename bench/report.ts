/** Benchmark figures: printed as a table, written to bench/results.json and bench/RESULTS.md. */
import { writeFile } from 'node:fs/promises';
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

export async function writeResults(dir: string, info: RunInfo, figures: Figure[]): Promise<void> {
  await writeFile(`${dir}/results.json`, `${JSON.stringify({ ...info, figures }, null, 2)}\n`);
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
  await writeFile(`${dir}/RESULTS.md`, markdown);
}
