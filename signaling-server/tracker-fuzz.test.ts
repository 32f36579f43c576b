/**
 * Fuzz test: several clients, some speaking Socket.IO properly and some sending raw frames, throw
 * over 10,000 malformed, oversized and out-of-order messages at a running tracker. Throughout,
 * honest peers keep getting answers; afterwards every fuzzer's state is gone and the heap is back
 * where it started. SHOAL_FUZZ_SEED replays a run.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { io } from 'socket.io-client';
import type { Socket } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import { createTracker } from './app';
import type { RunningTracker } from './app';
import type { TrackerLog } from './socket-types';
import { fileNamed } from './test-support/fixtures';
import { seededRandom } from '../shared/test-support/seeded-random';
import { HostileMessages, TRACKER_REQUEST_EVENTS } from './test-support/hostile-messages';
import { newIdentity, signedJoin } from './test-support/identities';
import type { TestIdentity } from './test-support/identities';
import { DROPPED, RawPeer } from './test-support/raw-peer';
import { joinClient } from './test-support/tracker-harness';
import type { JoinedPeer } from './test-support/tracker-harness';
import { waitFor } from './test-support/wait-for';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

const SEED = Number(process.env.SHOAL_FUZZ_SEED ?? 20_261_126);
const MESSAGES_PER_CLIENT_FUZZER = 2_000;
const MESSAGES_PER_RAW_FUZZER = 1_500;
const CLIENT_FUZZERS = 4;
const RAW_FUZZERS = 2;
const BATCH = 20;
/** Heap growth allowed once every fuzzer is gone: far below what leaked per-connection state would cost. */
const HEAP_TOLERANCE_BYTES = 10 * 1024 * 1024;

const knownEvents = new Set<string>(TRACKER_REQUEST_EVENTS);

interface Tally {
  sent: number;
  /** Requests to known events that got an answer. */
  answered: number;
  /** Requests whose connection the tracker closed (a broken or oversized frame) before answering. */
  dropped: number;
  /** Requests to known events left without an answer on a live connection: must stay 0. */
  unanswered: number;
  byCode: Map<string, number>;
  /** Replayed signed joins the tracker accepted: must stay 0. */
  acceptedReplays: number;
  honestChecks: number;
}

function newTally(): Tally {
  return { sent: 0, answered: 0, dropped: 0, unanswered: 0, byCode: new Map(), acceptedReplays: 0, honestChecks: 0 };
}

function record(tally: Tally, response: unknown): void {
  if (response === DROPPED) {
    tally.dropped += 1;
    return;
  }
  if (response === undefined) {
    tally.unanswered += 1;
    return;
  }
  tally.answered += 1;
  const answer = response as { ok?: boolean; error?: { code?: string } };
  const code = answer.ok === true ? 'ok' : (answer.error?.code ?? 'malformed answer');
  tally.byCode.set(code, (tally.byCode.get(code) ?? 0) + 1);
}

function heapUsedAfterGc(): number {
  for (let i = 0; i < 4; i++) collectGarbage();
  return process.memoryUsage().heapUsed;
}

/** Lets sockets, timers and closed connections finish before the heap is measured. */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
}

interface FuzzWorld {
  tracker: RunningTracker;
  seed: number;
  identities: TestIdentity[];
  honest: JoinedPeer[];
  honestFileCount: number;
  /** Signed joins seen on the wire, for replaying on other connections. */
  capturedJoins: unknown[];
  peerIds: string[];
  tally: Tally;
}

async function checkHonestPeers(world: FuzzWorld): Promise<void> {
  const peer = world.honest[world.tally.honestChecks % world.honest.length]!;
  world.tally.honestChecks += 1;
  const ack = await peer.socket.timeout(5_000).emitWithAck('search', { query: 'honest' });
  expect(ack).toMatchObject({ ok: true, total: world.honestFileCount });
}

/** A socket.io-client fuzzer: well-formed Socket.IO frames carrying hostile requests. */
async function clientFuzzer(world: FuzzWorld, index: number, budget: number): Promise<void> {
  const { tally } = world;
  // One random source per fuzzer, so a seed replays each fuzzer's messages however they interleave.
  const messages = new HostileMessages(seededRandom(world.seed + index));
  let sent = 0;
  let batches = 0;
  while (sent < budget) {
    const socket: Socket = io(world.tracker.url, { transports: ['websocket'], forceNew: true, reconnection: false });
    const pending = new Set<(response: unknown) => void>();
    socket.on('disconnect', () => {
      for (const answer of pending) answer(DROPPED);
      pending.clear();
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });

    const request = (event: string, ...args: unknown[]): Promise<unknown> =>
      new Promise((resolve) => {
        if (!socket.connected) return resolve(DROPPED);
        const answer = (response: unknown): void => {
          pending.delete(answer);
          resolve(response);
        };
        pending.add(answer);
        socket.emit(event, ...args, answer);
      });

    const identity = messages.pick(world.identities);
    while (sent < budget && socket.connected) {
      const batch: Array<Promise<unknown>> = [];
      for (let i = 0; i < BATCH && sent < budget && socket.connected; i++) {
        sent += 1;
        tally.sent += 1;
        const roll = messages.int(1_000);
        if (roll < 60) {
          // A proper join (challenge, sign, join), kept for replay elsewhere.
          const challenge = (await request('challenge', {})) as { ok?: boolean; nonce?: string };
          record(tally, challenge);
          if (challenge.ok === true && challenge.nonce !== undefined) {
            const join = await signedJoin(identity, challenge.nonce, `fuzz ${messages.int(5)}`);
            world.capturedJoins.push(join);
            const joined = (await request('join', join)) as { ok?: boolean; peer?: { id: string } };
            record(tally, joined);
            if (joined.ok === true && joined.peer !== undefined) world.peerIds.push(joined.peer.id);
          }
        } else if (roll < 120 && world.capturedJoins.length > 0) {
          // Replay a signed join seen before: out of order, and never to be accepted.
          const replay = await request('join', messages.pick(world.capturedJoins));
          record(tally, replay);
          if ((replay as { ok?: boolean }).ok === true) tally.acceptedReplays += 1;
        } else if (roll < 125) {
          // Past the message size cap: the tracker drops the connection. Settle what is in flight
          // first, then probe, so only the probe is lost with it.
          for (const response of await Promise.all(batch.splice(0))) record(tally, response);
          socket.emit('search', { query: 'x'.repeat(1_100_000) });
          record(tally, await request('search', { query: '' }));
        } else if (roll < 160) {
          batch.push(request(messages.pick(TRACKER_REQUEST_EVENTS), Buffer.from([0, 1, 2, 255])));
        } else if (roll < 180) {
          batch.push(request('signal', { to: messages.pick([...world.peerIds, 'x']), connectionId: 'deep', data: { x: messages.nested(2_000) } }));
        } else {
          const event = messages.event();
          const payload = messages.payloadFor(event, { peerIds: world.peerIds, publicKey: identity.publicKey });
          const extra = messages.chance(0.1) ? [messages.value(), messages.value()] : [];
          if (knownEvents.has(event)) batch.push(request(event, payload, ...extra));
          else socket.emit(event, payload, ...extra);
        }
      }
      for (const response of await Promise.all(batch)) record(tally, response);
      batches += 1;
      if (index === 0 && batches % 2 === 0) await checkHonestPeers(world);
    }
    socket.disconnect();
  }
}

/** A raw WebSocket fuzzer: broken Engine.IO/Socket.IO frames, binary garbage, deep JSON. */
async function rawFuzzer(world: FuzzWorld, index: number, budget: number): Promise<void> {
  const { tally } = world;
  const messages = new HostileMessages(seededRandom(world.seed + 1_000 + index));
  let sent = 0;
  while (sent < budget) {
    const raw = await RawPeer.connect(world.tracker.url);
    while (sent < budget && raw.isOpen) {
      const batch: Array<Promise<unknown>> = [];
      for (let i = 0; i < BATCH && sent < budget && raw.isOpen; i++) {
        sent += 1;
        tally.sent += 1;
        if (messages.chance(0.05)) {
          // Many broken frames make the tracker drop the connection: settle what is in flight
          // first, then probe, so at most the probe is lost with it.
          for (const response of await Promise.all(batch.splice(0))) record(tally, response);
          const frame = messages.brokenFrame();
          raw.sendFrame(frame);
          // "41" leaves the namespace politely: the tracker forgets the client but keeps the
          // WebSocket open for another connect, so nothing would ever answer here.
          if (frame === '41') break;
          record(tally, await raw.request('search', { query: '' }));
        } else {
          const event = messages.pick(TRACKER_REQUEST_EVENTS);
          batch.push(raw.request(event, messages.payloadFor(event, { peerIds: world.peerIds })));
        }
      }
      for (const response of await Promise.all(batch)) record(tally, response);
    }
    raw.terminate();
  }
}

async function runFuzz(world: FuzzWorld, scale: number): Promise<void> {
  await Promise.all([
    ...Array.from({ length: CLIENT_FUZZERS }, (_, index) => clientFuzzer(world, index, Math.ceil(MESSAGES_PER_CLIENT_FUZZER * scale))),
    ...Array.from({ length: RAW_FUZZERS }, (_, index) => rawFuzzer(world, index, Math.ceil(MESSAGES_PER_RAW_FUZZER * scale))),
  ]);
}

async function onlinePeers(tracker: RunningTracker): Promise<{ peers: number; files: number }> {
  return (await (await fetch(`${tracker.url}/api/health`)).json()) as { peers: number; files: number };
}

describe('the tracker under hostile input', () => {
  it(
    'survives 10,000+ malformed, oversized and out-of-order messages, answers honest peers throughout, and frees every fuzzer’s state',
    async () => {
      const unexpectedErrors: string[] = [];
      const log: TrackerLog = { info: () => undefined, error: (message, error) => unexpectedErrors.push(`${message}: ${String(error)}`) };
      const adminToken = 'fuzz-admin-token-0123456789';
      // The test polls /api/health while fuzzers leave; the REST limit is not what is under test here.
      const restRateLimit = { capacity: 1_000_000, refillPerSecond: 1_000_000 };
      const tracker = await createTracker({ host: '127.0.0.1', port: 0, staticDir: null, log, adminToken, restRateLimit });
      const honest: JoinedPeer[] = [];
      try {
        honest.push(await joinClient(tracker.url, 'Honest'), await joinClient(tracker.url, 'Honest watcher'));
        const honestFiles = [fileNamed('honest-1.txt'), fileNamed('honest-2.txt'), fileNamed('honest-3.txt')];
        expect(await honest[0]!.socket.emitWithAck('announce', { files: honestFiles })).toEqual({ ok: true });
        const world: FuzzWorld = {
          tracker,
          seed: SEED,
          identities: await Promise.all([newIdentity(), newIdentity(), newIdentity()]),
          honest,
          honestFileCount: honestFiles.length,
          capturedJoins: [],
          peerIds: honest.map((peer) => peer.id),
          tally: newTally(),
        };
        const settledState = async (): Promise<void> => {
          await waitFor(async () => {
            const state = await onlinePeers(tracker);
            return state.peers === honest.length && state.files === honestFiles.length;
          }, 'every fuzzer to be gone', 15_000);
          for (const peer of honest) {
            peer.pushes.peerSnapshots.length = 0;
            peer.pushes.peerDeltas.length = 0;
            peer.pushes.signals.length = 0;
          }
          await settle();
        };

        // Warm up every code path once, so lazily built state is in the baseline, not counted as growth.
        await runFuzz({ ...world, seed: SEED + 50_000 }, 0.05);
        await settledState();
        const heapBefore = heapUsedAfterGc();

        world.tally = newTally();
        world.capturedJoins.length = 0;
        world.peerIds = honest.map((peer) => peer.id);
        const startedAt = Date.now();
        await runFuzz(world, 1);
        const fuzzMs = Date.now() - startedAt;
        await settledState();
        world.capturedJoins.length = 0;
        world.peerIds = [];
        const heapAfter = heapUsedAfterGc();

        const { tally } = world;
        const summary = {
          seed: SEED,
          fuzzMs,
          sent: tally.sent,
          answered: tally.answered,
          dropped: tally.dropped,
          honestChecks: tally.honestChecks,
          heapGrowthKiB: Math.round((heapAfter - heapBefore) / 1024),
          answers: Object.fromEntries(tally.byCode),
        };
        console.log('fuzz summary', JSON.stringify(summary));

        expect(tally.sent).toBeGreaterThanOrEqual(10_000);
        expect(tally.unanswered).toBe(0);
        expect(tally.acceptedReplays).toBe(0);
        expect(tally.byCode.get('INTERNAL') ?? 0).toBe(0);
        expect(unexpectedErrors).toEqual([]);
        // Nearly every request was answered; the rest went down with a connection the fuzzer broke on purpose.
        expect(tally.answered).toBeGreaterThan(0.9 * (tally.answered + tally.dropped));
        for (const code of ['ok', 'BAD_REQUEST', 'NOT_JOINED', 'RATE_LIMITED', 'SIGNATURE_INVALID']) {
          expect(tally.byCode.get(code) ?? 0, `answers with ${code}`).toBeGreaterThan(0);
        }
        expect(tally.honestChecks).toBeGreaterThan(20);
        expect(heapAfter - heapBefore).toBeLessThan(HEAP_TOLERANCE_BYTES);
        // The only state fuzzers may leave is what honest peers leave too: the few names they registered properly.
        const registrations = await fetch(`${tracker.url}/api/admin/registrations`, { headers: { authorization: `Bearer ${adminToken}` } });
        const { registrations: names } = (await registrations.json()) as { registrations: Array<{ name: string }> };
        expect(names.map((registration) => registration.name).filter((name) => !/^fuzz \d$/.test(name))).toEqual(['Honest', 'Honest watcher']);

        // Still fully working: a newcomer joins and an honest peer reaches it.
        const newcomer = await joinClient(tracker.url, 'Newcomer');
        honest.push(newcomer);
        expect(await honest[0]!.socket.emitWithAck('signal', { to: newcomer.id, connectionId: 'after-fuzz', data: { type: 'offer', sdp: 'v=0' } })).toEqual({
          ok: true,
        });
        await waitFor(() => newcomer.pushes.signals.some((signal) => signal.connectionId === 'after-fuzz'), 'the signal after the fuzz');
      } finally {
        for (const peer of honest) peer.socket.disconnect();
        await tracker.close();
      }
    },
    120_000,
  );
});
