/**
 * One stage of the load benchmark: start its tracker process(es) and load workers, ramp the
 * joined peers (peer-ramp.ts), then, with those peers still joined, time signal relays and search
 * throughput; every process of the stage is killed at the end, whatever happened.
 */
import { benchQueries } from './file-names';
import type { SearchLoad, SignalLatencies } from './load-commands';
import { startStage } from './load-processes';
import type { Stage } from './load-processes';
import { perSecond, sleep } from './load-stats';
import { runPeerRamp } from './peer-ramp';
import type { RampPlan, RampResult } from './peer-ramp';

export interface StagePlan {
  label: string;
  trackers: number;
  onRedis: boolean;
  workers: number;
  ramp: RampPlan;
  signals: { pairs: number; signalsPerPair: number; intervalMs: number; timeoutMs: number };
  search: { files: number; sharersPerWorker: number; searchersPerWorker: number; durationMs: number; timeoutMs: number };
}

export interface SignalRoute {
  /** Which tracker processes the senders and the receivers talk to (index into the stage's). */
  from: number;
  to: number;
  latencies?: SignalLatencies;
  error?: string;
}

export interface SearchThroughput {
  files: number;
  searchers: number;
  perSecond: number;
  latenciesMs: number[];
  failed: number;
  firstError?: string;
}

export interface StageResult {
  label: string;
  ramp: RampResult;
  signals: SignalRoute[];
  search?: SearchThroughput;
  searchError?: string;
}

/** Extra key pairs per worker beyond its share of the ramp: probes, signal pairs, sharers, searchers. */
export function identitiesPerWorker(plan: StagePlan): number {
  const rampShare = Math.ceil(Math.max(...plan.ramp.steps) / plan.workers);
  const probes = plan.ramp.probes * plan.ramp.probeAt.length;
  const signalPeers = 2 * plan.signals.pairs * 2; // two routes at most
  return rampShare + probes + signalPeers + plan.search.sharersPerWorker + plan.search.searchersPerWorker + 16;
}

async function measureSearchThroughput(stage: Stage, plan: StagePlan): Promise<SearchThroughput> {
  const { files, sharersPerWorker, searchersPerWorker, durationMs, timeoutMs } = plan.search;
  const sharers = sharersPerWorker * stage.workers.length;
  const filesPerPeer = Math.ceil(files / sharers);
  const shared = await Promise.all(
    stage.workers.map((worker, index) =>
      worker.request(
        'share',
        { url: stage.trackers[index % stage.trackers.length]!.url, peers: sharersPerWorker, filesPerPeer, firstFile: index * sharersPerWorker * filesPerPeer },
        timeoutMs,
      ),
    ),
  );
  const total = shared.reduce((sum, each) => sum + each.files, 0);
  // On Redis each process searches its replica of the index, which follows a stream: let it catch up.
  await sleep(2_000);
  const urls = stage.trackers.map((tracker) => tracker.url);
  const queries = benchQueries(1000);
  const loads: SearchLoad[] = await Promise.all(
    stage.workers.map((worker) => worker.request('searchLoad', { urls, searchers: searchersPerWorker, durationMs, queries }, durationMs + timeoutMs)),
  );
  const completed = loads.reduce((sum, load) => sum + load.completed, 0);
  const elapsedMs = Math.max(...loads.map((load) => load.elapsedMs));
  const firstError = loads.find((load) => load.firstError !== undefined)?.firstError;
  return {
    files: total,
    searchers: searchersPerWorker * stage.workers.length,
    perSecond: perSecond(completed, elapsedMs),
    latenciesMs: loads.flatMap((load) => load.latenciesMs),
    failed: loads.reduce((sum, load) => sum + load.failed, 0),
    ...(firstError === undefined ? {} : { firstError }),
  };
}

export async function runStage(plan: StagePlan, log: (line: string) => void): Promise<StageResult> {
  log(`${plan.label}: starting ${plan.trackers} tracker process(es)${plan.onRedis ? ' on Redis' : ''} and ${plan.workers} load workers`);
  const stage = await startStage({ trackers: plan.trackers, onRedis: plan.onRedis, workers: plan.workers, identitiesPerWorker: identitiesPerWorker(plan) });
  try {
    // The ramp's peers stay joined (idle, heartbeats on) through the signal and search figures:
    // closing thousands at once would have the tracker busy with their leaves for a long while.
    // They go when the stage's processes are killed, trackers first.
    const ramp = await runPeerRamp(stage, plan.ramp, log);

    const routes: SignalRoute[] = stage.trackers.length === 1 ? [{ from: 0, to: 0 }] : [{ from: 0, to: 1 }, { from: 0, to: 0 }];
    for (const route of routes) {
      const { pairs, signalsPerPair, intervalMs, timeoutMs } = plan.signals;
      try {
        const fromUrl = stage.trackers[route.from]!.url;
        const toUrl = stage.trackers[route.to]!.url;
        route.latencies = await stage.workers[0]!.request('signalLatency', { fromUrl, toUrl, pairs, signalsPerPair, intervalMs }, timeoutMs);
        log(`  signals tracker ${route.from + 1} → ${route.to + 1}: ${route.latencies.relayMs.length} relayed, ${route.latencies.lost} lost`);
      } catch (error) {
        route.error = error instanceof Error ? error.message : String(error);
        log(`  signals tracker ${route.from + 1} → ${route.to + 1} failed: ${route.error}`);
      }
    }

    const result: StageResult = { label: plan.label, ramp, signals: routes };
    try {
      result.search = await measureSearchThroughput(stage, plan);
      log(`  search: ${result.search.perSecond.toFixed(0)}/s over ${result.search.files} files, ${result.search.failed} failed`);
    } catch (error) {
      result.searchError = error instanceof Error ? error.message : String(error);
      log(`  search throughput failed: ${result.searchError}`);
    }
    return result;
  } finally {
    await stage.stop();
  }
}
