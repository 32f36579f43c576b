/**
 * Signal relay latency: each sender signals its receiver through the tracker (or two trackers on
 * Redis), one signal per interval, and the receiver notes the arrival; both sockets live in this
 * process, so one clock times the trip. The baseline is the same senders' request round trip
 * without a relay: a `holders` lookup of a file nobody has, answered by the tracker they talk to.
 */
import type { LoadPeer } from './load-peer';
import { ACK_TIMEOUT_MS } from './load-peer';
import type { SignalLatencies } from './load-commands';

/** The holders budget is 60 at once (RATE_LIMITS.holders): stay inside it. */
const ROUND_TRIPS_PER_SENDER = 40;
/** After the last signal went out, how long a late one may still arrive before it counts as lost. */
const DRAIN_MS = 10_000;
const NOBODYS_FILE = '0'.repeat(64);
/** An ICE-candidate-shaped payload: what most signals are. */
const CANDIDATE = { candidate: { candidate: 'candidate:1 1 udp 2122260223 127.0.0.1 40000 typ host', sdpMid: '0', sdpMLineIndex: 0 } };

export interface SignalPair {
  sender: LoadPeer;
  receiver: LoadPeer;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function roundTrips(sender: LoadPeer): Promise<number[]> {
  const timings: number[] = [];
  for (let round = 0; round < ROUND_TRIPS_PER_SENDER; round += 1) {
    const started = performance.now();
    const ack = await sender.socket.timeout(ACK_TIMEOUT_MS).emitWithAck('holders', { contentId: NOBODYS_FILE });
    if (!ack.ok) throw new Error(`holders refused: ${ack.error.code} ${ack.error.message}`);
    timings.push(performance.now() - started);
  }
  return timings;
}

export async function measureSignalLatency(pairs: SignalPair[], signalsPerPair: number, intervalMs: number): Promise<SignalLatencies> {
  const roundTripMs = (await Promise.all(pairs.map(({ sender }) => roundTrips(sender)))).flat();
  const sentAt = new Map<string, number>();
  const relayMs: number[] = [];
  let allArrived: () => void = () => undefined;
  const arrivedOrDrained = new Promise<void>((resolve) => {
    allArrived = resolve;
  });
  const expected = pairs.length * signalsPerPair;
  for (const { receiver } of pairs) {
    receiver.socket.on('signal', (push) => {
      const started = sentAt.get(push.connectionId);
      if (started === undefined) return;
      relayMs.push(performance.now() - started);
      sentAt.delete(push.connectionId);
      if (relayMs.length === expected) allArrived();
    });
  }
  let sendFailures = 0;
  await Promise.all(
    pairs.map(async ({ sender, receiver }, pairIndex) => {
      for (let signal = 0; signal < signalsPerPair; signal += 1) {
        const connectionId = `bench-${pairIndex}-${signal}`;
        sentAt.set(connectionId, performance.now());
        // Not awaited: the ack tells the sender it was relayed; the figure is when the receiver has it.
        sender.socket
          .timeout(ACK_TIMEOUT_MS)
          .emitWithAck('signal', { to: receiver.peerId, connectionId, data: CANDIDATE })
          .then(
            (ack) => {
              if (!ack.ok) sendFailures += 1;
            },
            () => {
              sendFailures += 1;
            },
          );
        await sleep(intervalMs);
      }
    }),
  );
  await Promise.race([arrivedOrDrained, sleep(DRAIN_MS)]);
  if (sendFailures > 0 && relayMs.length === 0) throw new Error(`every one of ${expected} signals was refused or timed out`);
  return { relayMs, roundTripMs, lost: expected - relayMs.length };
}
