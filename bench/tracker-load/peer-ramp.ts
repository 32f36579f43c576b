/**
 * The peer ramp of one stage: grows the joined population step by step (each step: open the
 * connections, then join them all, then hold them through a few heartbeats), and at the chosen
 * sizes times probe joins until every held peer has seen them. Gives: the most peers the stage's
 * tracker(s) held, join and connect rates per step, tracker memory, and join propagation.
 * Stops at the first step that fails or overruns its time; what it reached stays in the result.
 */
import type { MemorySample } from './load-commands';
import type { Stage } from './load-processes';
import { perSecond, sleep } from './load-stats';

export interface RampPlan {
  /** Joined peers after each step, rising. */
  steps: number[];
  /** Step sizes at which to time probe joins, and how many. */
  probeAt: number[];
  probes: number;
  /** How long a step holds its peers before they are counted: heartbeats must keep them all. */
  holdMs: number;
  /** Bound on each step's connects and joins together. */
  stepTimeoutMs: number;
  /** Bound on the whole ramp: no step starts after it, and a step's bound never reaches past it. */
  rampBudgetMs: number;
  /** Bound on one probe: past it, the probe counts as not seen by everyone. */
  probeTimeoutMs: number;
  /** Connects or joins in flight per worker. */
  concurrency: number;
}

export interface RampStep {
  peers: number;
  added: number;
  connectPerSecond: number;
  joinPerSecond: number;
  /** All joined peers still connected after the hold, by the workers' and by the tracker's count. */
  isHeld: boolean;
  trackerPeers: number;
  dropped: number;
  /** Whole peer lists the held peers got again so far, in place of deltas a tracker lost (Redis pub/sub). */
  listsResent: number;
  /** One tracker process only: its memory after this step's connects, and after the joins and hold. */
  memoryConnected?: MemorySample;
  memoryJoined?: MemorySample;
}

export interface Propagation {
  peers: number;
  /** Join request sent → the last held peer received its delta, ms, per probe seen by all. */
  allSeenMs: number[];
  /** Join request sent → its own ack, ms (the baseline). */
  ackMs: number[];
  /** Probes some held peer had not seen within the bound. */
  incomplete: number;
  /** For each of those, how many held peers had seen it. */
  incompleteSeen: number[];
}

export interface RampResult {
  /** Tracker memory before any peer (one tracker process only). */
  memoryBefore?: MemorySample;
  steps: RampStep[];
  propagation: Propagation[];
  mostHeld: number;
  stoppedBecause?: string;
}

const PROBE_POLL_MS = 25;
const SETTLE_POLL_MS = 1_000;

/** Splits `total` over `parts` as evenly as whole numbers allow. */
function split(total: number, parts: number): number[] {
  return Array.from({ length: parts }, (_, index) => Math.floor(total / parts) + (index < total % parts ? 1 : 0));
}

function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function runBatch(stage: Stage, what: string, timeoutMs: number, command: (worker: Stage['workers'][number], index: number) => Promise<{ done: number; failed: number; firstError?: string }>): Promise<{ done: number; elapsedMs: number }> {
  const started = performance.now();
  const outcomes = await withTimeout(Promise.all(stage.workers.map(command)), timeoutMs, what);
  const failed = outcomes.reduce((sum, outcome) => sum + outcome.failed, 0);
  if (failed > 0) throw new Error(`${what}: ${failed} failed, first: ${outcomes.find((outcome) => outcome.firstError)?.firstError}`);
  return { done: outcomes.reduce((sum, outcome) => sum + outcome.done, 0), elapsedMs: performance.now() - started };
}

/**
 * Waits (at most `maxMs`) until no held peer has received a delta for a while: a probe should time
 * a join on a tracker at rest, not one queued behind the ramp's last deltas.
 */
async function waitForDeltasToSettle(stage: Stage, maxMs: number): Promise<void> {
  const deadline = performance.now() + maxMs;
  let before = -1;
  while (performance.now() < deadline) {
    const statuses = await Promise.all(stage.workers.map((worker) => worker.request('status', {}, maxMs)));
    const received = statuses.reduce((sum, status) => sum + status.deltasReceived, 0);
    if (received === before) return;
    before = received;
    await sleep(SETTLE_POLL_MS);
  }
}

async function timeProbes(stage: Stage, peers: number, plan: RampPlan): Promise<Propagation> {
  const result: Propagation = { peers, allSeenMs: [], ackMs: [], incomplete: 0, incompleteSeen: [] };
  await waitForDeltasToSettle(stage, plan.probeTimeoutMs);
  for (let probe = 0; probe < plan.probes; probe += 1) {
    const worker = stage.workers[probe % stage.workers.length]!;
    const url = stage.trackers[probe % stage.trackers.length]!.url;
    const name = `probe-${peers}-${probe}`;
    const { sentAtMs, ackAtMs } = await worker.request('probe', { url, name }, plan.probeTimeoutMs);
    result.ackMs.push(ackAtMs - sentAtMs);
    const deadline = performance.now() + plan.probeTimeoutMs;
    let lastAtMs = 0;
    let seen = 0;
    while (performance.now() < deadline) {
      const reports = await Promise.all(stage.workers.map((each) => each.request('probeSeen', { name }, plan.probeTimeoutMs)));
      seen = reports.reduce((sum, report) => sum + report.count, 0);
      lastAtMs = Math.max(...reports.map((report) => report.lastAtMs));
      if (seen >= peers) break;
      await sleep(PROBE_POLL_MS);
    }
    if (seen >= peers) result.allSeenMs.push(lastAtMs - sentAtMs);
    else {
      result.incomplete += 1;
      result.incompleteSeen.push(seen);
    }
    await worker.request('probeLeave', { name }, plan.probeTimeoutMs);
  }
  return result;
}

/** Why the workers' peers were dropped (the first few), to say what stopped a step. */
async function dropReasonsOf(stage: Stage): Promise<string> {
  try {
    const statuses = await Promise.all(stage.workers.map((worker) => worker.request('status', {}, 30_000)));
    const reasons = statuses.flatMap((status) => status.dropReasons);
    const dropped = statuses.reduce((sum, status) => sum + status.dropped, 0);
    return dropped === 0 ? '' : ` (${dropped} dropped; first: ${reasons.slice(0, 4).join('; ')})`;
  } catch {
    return '';
  }
}

export async function runPeerRamp(stage: Stage, plan: RampPlan, log: (line: string) => void): Promise<RampResult> {
  const single = stage.trackers.length === 1 ? stage.trackers[0] : undefined;
  const urls = stage.trackers.map((tracker) => tracker.url);
  const result: RampResult = { steps: [], propagation: [], mostHeld: 0 };
  if (single !== undefined) result.memoryBefore = await single.memory();
  let current = 0;
  const rampDeadline = performance.now() + plan.rampBudgetMs;
  for (const target of plan.steps) {
    const added = target - current;
    const stepStarted = performance.now();
    const stepTimeoutMs = Math.min(plan.stepTimeoutMs, rampDeadline - stepStarted);
    if (stepTimeoutMs <= 0) {
      result.stoppedBecause = `before ${target} peers: the ramp's ${plan.rampBudgetMs / 60_000} minutes were up`;
      log(`  stopped ${result.stoppedBecause}`);
      break;
    }
    try {
      const shares = split(added, stage.workers.length);
      const connected = await runBatch(stage, `connecting ${added} peers`, stepTimeoutMs, (worker, index) =>
        worker.request('connect', { urls, count: shares[index]!, concurrency: plan.concurrency }, stepTimeoutMs),
      );
      const memoryConnected = await single?.memory();
      const timeLeftMs = Math.max(1, stepTimeoutMs - (performance.now() - stepStarted));
      const joined = await runBatch(stage, `joining ${added} peers`, timeLeftMs, (worker) =>
        worker.request('join', { concurrency: plan.concurrency }, timeLeftMs),
      );
      current = target;
      await sleep(plan.holdMs);
      const statuses = await Promise.all(stage.workers.map((worker) => worker.request('status', {}, plan.stepTimeoutMs)));
      const joinedNow = statuses.reduce((sum, status) => sum + status.joined, 0);
      const dropped = statuses.reduce((sum, status) => sum + status.dropped, 0);
      const listsResent = statuses.reduce((sum, status) => sum + status.listsResent, 0);
      const trackerPeers = await stage.trackers[0]!.peerCount();
      const memoryJoined = await single?.memory();
      const step: RampStep = {
        peers: target,
        added,
        connectPerSecond: perSecond(connected.done, connected.elapsedMs),
        joinPerSecond: perSecond(joined.done, joined.elapsedMs),
        isHeld: joinedNow === target && trackerPeers === target && dropped === 0,
        trackerPeers,
        dropped,
        listsResent,
        ...(memoryConnected === undefined ? {} : { memoryConnected }),
        ...(memoryJoined === undefined ? {} : { memoryJoined }),
      };
      result.steps.push(step);
      log(
        `  ${target} peers: connect ${step.connectPerSecond.toFixed(0)}/s, join ${step.joinPerSecond.toFixed(0)}/s, ` +
          `${((performance.now() - stepStarted) / 1000).toFixed(0)} s with the hold${listsResent > 0 ? `, ${listsResent} peer lists resent` : ''}, held ${step.isHeld ? 'yes' : `NO (workers ${joinedNow}, tracker ${trackerPeers}, dropped ${dropped}: ${statuses.flatMap((status) => status.dropReasons).join('; ')})`}`,
      );
      if (!step.isHeld) {
        result.stoppedBecause = `at ${target} peers not every peer stayed joined through the heartbeats`;
        break;
      }
      result.mostHeld = target;
      if (plan.probeAt.includes(target)) {
        const propagation = await timeProbes(stage, target, plan);
        result.propagation.push(propagation);
        const shortfalls = propagation.incompleteSeen.map((seen) => `${seen} of ${target}`).join(', ');
        log(`  ${plan.probes} probe joins at ${target} peers: ${propagation.incomplete} not seen by all within ${plan.probeTimeoutMs} ms${shortfalls === '' ? '' : ` (seen by ${shortfalls})`}`);
      }
    } catch (error) {
      result.stoppedBecause = `at ${target} peers: ${error instanceof Error ? error.message : String(error)}${await dropReasonsOf(stage)}`;
      log(`  stopped ${result.stoppedBecause}`);
      break;
    }
  }
  return result;
}
