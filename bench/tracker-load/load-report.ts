/**
 * Writes the load benchmark's results: bench/RESULTS-tracker-load.md (the whole report: method,
 * figures, search latency rows, every ramp step), its figures as a section of bench/RESULTS.md
 * (which `npm run bench` keeps when it rewrites its own table), and a `trackerLoad` section merged
 * into bench/results.json next to what the other benches wrote there.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { withSection } from '../report';
import type { Figure } from '../report';
import type { LoadResults } from './load-figures';
import type { StageResult } from './load-stage';
import { spreadOf } from './load-stats';

const MiB = 1024 * 1024;

export interface LoadMachine {
  date: string;
  nproc: number;
  cpuModel: string;
  memory: string;
  kernel: string;
  node: string;
  loadAverageAtStart: number;
}

export function describeMachine(): LoadMachine {
  let nproc = os.availableParallelism();
  try {
    nproc = Number(execFileSync('nproc', { encoding: 'utf8' }).trim());
  } catch {
    // No coreutils nproc: keep Node's count.
  }
  let cpuModel = os.cpus()[0]?.model ?? 'unknown CPU';
  try {
    cpuModel = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? cpuModel;
  } catch {
    // Not Linux: keep Node's model string.
  }
  return {
    date: new Date().toISOString(),
    nproc,
    cpuModel,
    memory: `${(os.totalmem() / 1024 ** 3).toFixed(0)} GiB RAM`,
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    loadAverageAtStart: os.loadavg()[0] ?? 0,
  };
}

const round = (value: number): string => (!Number.isFinite(value) ? '–' : Math.abs(value) >= 100 ? value.toFixed(0) : value.toFixed(2));
const mib = (bytes: number | undefined): string => (bytes === undefined ? '–' : (bytes / MiB).toFixed(1));

export function figureRows(figures: Figure[]): string[] {
  return [
    '| figure | value | baseline (same run) | ratio | target | met |',
    '| --- | --- | --- | --- | --- | --- |',
    ...figures.map((figure) => {
      const verdict = figure.meetsTarget === null ? '' : figure.meetsTarget ? 'yes' : 'NO';
      return `| ${figure.name} | ${round(figure.value)} ${figure.unit} | ${figure.baseline.name}: ${round(figure.baseline.value)} ${figure.baseline.unit} | ${round(figure.ratio)} | ${figure.target} | ${verdict} |`;
    }),
  ];
}

function stageRows(stage: StageResult): string[] {
  const before = stage.ramp.memoryBefore;
  const rows = [
    `### ${stage.label}`,
    '',
    ...(before === undefined ? [] : [`Tracker before any peer: RSS ${mib(before.rssBytes)} MiB, heap used ${mib(before.heapUsedBytes)} MiB.`, '']),
    '| peers | added | connects/s | joins/s | held | tracker count | dropped | lists resent | RSS connected MiB | RSS joined MiB | heap joined MiB |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...stage.ramp.steps.map(
      (step) =>
        `| ${step.peers} | ${step.added} | ${round(step.connectPerSecond)} | ${round(step.joinPerSecond)} | ${step.isHeld ? 'yes' : 'NO'} | ${step.trackerPeers} | ${step.dropped} | ${step.listsResent} | ${mib(step.memoryConnected?.rssBytes)} | ${mib(step.memoryJoined?.rssBytes)} | ${mib(step.memoryJoined?.heapUsedBytes)} |`,
    ),
    '',
    ...(stage.ramp.stoppedBecause === undefined ? [] : [`The ramp stopped ${stage.ramp.stoppedBecause}.`, '']),
    '| join propagation at | probes | seen by all p50 ms | p99 ms | own ack p50 ms | p99 ms | not seen by all |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...stage.ramp.propagation.map((each) => {
      const seen = spreadOf(each.allSeenMs);
      const ack = spreadOf(each.ackMs);
      const shortfalls = each.incompleteSeen.length === 0 ? '' : ` (seen by ${each.incompleteSeen.join(', ')})`;
      return `| ${each.peers} | ${each.ackMs.length} | ${round(seen.p50)} | ${round(seen.p99)} | ${round(ack.p50)} | ${round(ack.p99)} | ${each.incomplete}${shortfalls} |`;
    }),
    '',
    '| signals, tracker → tracker | relayed | lost | relay p50 ms | relay p99 ms | round trip p50 ms | round trip p99 ms |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...stage.signals.map((route) => {
      const name = `${route.from + 1} → ${route.to + 1}`;
      if (route.latencies === undefined) return `| ${name} | failed: ${route.error ?? 'unknown'} | | | | | |`;
      const relay = spreadOf(route.latencies.relayMs);
      const roundTrip = spreadOf(route.latencies.roundTripMs);
      return `| ${name} | ${relay.count} | ${route.latencies.lost} | ${round(relay.p50)} | ${round(relay.p99)} | ${round(roundTrip.p50)} | ${round(roundTrip.p99)} |`;
    }),
    '',
  ];
  if (stage.search !== undefined) {
    const latency = spreadOf(stage.search.latenciesMs);
    rows.push(
      `Search throughput: ${stage.search.searchers} searchers back to back over ${stage.search.files} files: ${round(stage.search.perSecond)} searches/s, ` +
        `latency under that load p50 ${round(latency.p50)} ms, p99 ${round(latency.p99)} ms, ${stage.search.failed} failed${stage.search.firstError === undefined ? '' : ` (${stage.search.firstError})`}.`,
      '',
    );
  } else {
    rows.push(`Search throughput failed: ${stage.searchError ?? 'unknown'}.`, '');
  }
  return rows;
}

export function reportMarkdown(machine: LoadMachine, results: LoadResults, figures: Figure[], method: string[]): string {
  return [
    '# Tracker load (`npm run bench:tracker`)',
    '',
    ...(results.isSmoke ? ['**Smoke or partial run (`--quick`, `--max-peers` or `--skip-search-latency`): not what the issue asks for, so no target is judged.**', ''] : []),
    ...method,
    '',
    `- Date: ${machine.date}`,
    `- Machine: ${machine.cpuModel} (/proc/cpuinfo), nproc ${machine.nproc}, ${machine.memory}, ${machine.kernel}; 1-minute load average at start ${machine.loadAverageAtStart.toFixed(1)}`,
    `- Versions: node ${machine.node}`,
    '',
    ...figureRows(figures),
    '',
    '## Search latency (from bench/tracker-search.ts, same run)',
    '',
    '| files | query (limit 50) | mean hits | indexed p50 ms | indexed p99 ms | indexed p99 CPU ms | linear p50 ms | linear p99 ms |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...results.searchLatency.map(
      (row) => `| ${row.files.toLocaleString('en')} | ${row.query} | ${row.meanHits} | ${round(row.indexedP50Ms)} | ${round(row.indexedP99Ms)} | ${round(row.indexedP99CpuMs)} | ${round(row.linearP50Ms)} | ${round(row.linearP99Ms)} |`,
    ),
    '',
    '## Stages',
    '',
    ...stageRows(results.oneProcess),
    ...stageRows(results.twoOnRedis),
  ].join('\n');
}

/** Drops the raw latency lists from the JSON, keeping their spreads. */
function stageSummary(stage: StageResult): unknown {
  return {
    label: stage.label,
    ramp: {
      ...stage.ramp,
      propagation: stage.ramp.propagation.map((each) => ({ ...each, allSeenMs: spreadOf(each.allSeenMs), ackMs: spreadOf(each.ackMs) })),
    },
    signals: stage.signals.map((route) => ({
      from: route.from + 1,
      to: route.to + 1,
      ...(route.latencies === undefined
        ? { error: route.error }
        : { relayMs: spreadOf(route.latencies.relayMs), roundTripMs: spreadOf(route.latencies.roundTripMs), lost: route.latencies.lost }),
    })),
    search:
      stage.search === undefined
        ? { error: stage.searchError }
        : { files: stage.search.files, searchers: stage.search.searchers, perSecond: stage.search.perSecond, latencyMs: spreadOf(stage.search.latenciesMs), failed: stage.search.failed },
  };
}

const RESULTS_HEADING = '## Tracker load (`npm run bench:tracker`)';

/** The figures as a section of bench/RESULTS.md, pointing to the whole report. */
export async function writeLoadSection(dir: string, machine: LoadMachine, figures: Figure[]): Promise<void> {
  const markdown = (await readFile(`${dir}/RESULTS.md`, 'utf8').catch(() => undefined)) ?? '# Benchmark results\n';
  const section = [
    RESULTS_HEADING,
    '',
    `${machine.date}; ${machine.cpuModel}, nproc ${machine.nproc}, ${machine.memory}; node ${machine.node}. Method, search latency rows and every ramp step: [RESULTS-tracker-load.md](RESULTS-tracker-load.md).`,
    '',
    ...figureRows(figures),
  ].join('\n');
  await writeFile(`${dir}/RESULTS.md`, withSection(markdown, RESULTS_HEADING, section));
}

export async function writeLoadResults(dir: string, machine: LoadMachine, results: LoadResults, figures: Figure[], method: string[]): Promise<void> {
  await writeFile(`${dir}/RESULTS-tracker-load.md`, `${reportMarkdown(machine, results, figures, method)}\n`);
  await writeLoadSection(dir, machine, figures);
  const existing = await readFile(`${dir}/results.json`, 'utf8').catch(() => undefined);
  const rest = existing === undefined ? {} : (JSON.parse(existing) as Record<string, unknown>);
  const trackerLoad = {
    ...machine,
    mode: results.isSmoke ? 'smoke' : 'full',
    figures,
    searchLatency: results.searchLatency,
    stages: [stageSummary(results.oneProcess), stageSummary(results.twoOnRedis)],
  };
  await writeFile(`${dir}/results.json`, `${JSON.stringify({ ...rest, trackerLoad }, null, 2)}\n`);
}
