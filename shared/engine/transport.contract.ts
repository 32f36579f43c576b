/**
 * The behaviour every Transport and its PeerChannels must show, written once: what the engine relies
 * on when it opens channels, sends control messages and chunk blocks, waits for the send buffer to
 * drain and reacts to a channel closing. An implementation's test file calls
 * `describeTransportContract('SimplePeerTransport on wrtc', harness)` and must pass all of it (the
 * memory transport, simple-peer over wrtc in Node, simple-peer in Chromium). Transports that sign
 * their signalling also pass the signed-signalling cases. No Node or DOM API here: runs in both.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ShoalError } from '../protocol/errors';
import { BLOCK_BYTES, BLOCK_HEADER_BYTES } from '../protocol/peer-messages';
import type { Frame, PeerChannel, Transport } from './transport';

export interface TransportPeers {
  caller: Transport;
  answerer: Transport;
  callerId: string;
  answererId: string;
  /** A peer the network knows of that never answers a connection attempt. */
  silentPeerId: string;
  /** A peer id nobody has. */
  absentPeerId: string;
  /** Releases what the harness made beyond the two transports (tracker connections, say). */
  dispose?(): Promise<void>;
}

/** A peer's refusal of a signal whose signature did not check out, as its transport reported it. */
export interface SignalRefusal {
  /** Which of the two refused. */
  at: 'caller' | 'answerer';
  peerId: string;
  peerName: string;
}

export interface SignedTransportPeers extends TransportPeers {
  answererName: string;
  callerName: string;
  refusals: SignalRefusal[];
}

export interface SignedSignallingHarness {
  /**
   * Two transports that sign their offers and answers and check the other's against the key the
   * tracker vouches for. `impostor` signs with a key other than the one it joined with;
   * `alterOffers` changes each offer's DTLS fingerprint on its way through the tracker.
   */
  makePeers(options?: { impostor?: 'caller' | 'answerer'; alterOffers?: boolean }): Promise<SignedTransportPeers>;
}

export interface TransportHarness {
  makePeers(): Promise<TransportPeers>;
  /** The channels' low-water mark: where `waitForDrain` resolves. */
  lowWaterBytes: number;
  /** For transports that authenticate their signalling. */
  signed?: SignedSignallingHarness;
}

/** Long enough for a real WebRTC connection on a loaded two-core machine; a failure, never a pass. */
const CONNECT_TIMEOUT_MS = 15_000;
const EVENT_TIMEOUT_MS = 10_000;
/** The engine's largest binary frame: one block of a chunk behind its header. */
const BLOCK_FRAME_BYTES = BLOCK_BYTES + BLOCK_HEADER_BYTES;

function withDeadline<T>(promise: Promise<T>, what: string, timeoutMs = EVENT_TIMEOUT_MS): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** Opens a channel from the caller and resolves both ends: [at the caller, at the answerer]. */
async function connectEnds(peers: TransportPeers): Promise<[PeerChannel, PeerChannel]> {
  const incoming = new Promise<PeerChannel>((resolve) => {
    const stop = peers.answerer.onIncoming((channel) => {
      stop();
      resolve(channel);
    });
  });
  const atCaller = await peers.caller.connect(peers.answererId, { timeoutMs: CONNECT_TIMEOUT_MS });
  const atAnswerer = await withDeadline(incoming, 'the incoming channel');
  return [atCaller, atAnswerer];
}

function nextFrames(channel: PeerChannel, count: number, what = `${count} frames`): Promise<Frame[]> {
  const frames: Frame[] = [];
  let stop = (): void => {};
  const arrived = new Promise<Frame[]>((resolve) => {
    stop = channel.onFrame((frame) => {
      frames.push(frame);
      if (frames.length === count) resolve(frames);
    });
  });
  return withDeadline(arrived, `${what} (got ${frames.length})`).finally(() => stop());
}

function closeOf(channel: PeerChannel, what: string): Promise<Error | undefined> {
  return withDeadline(new Promise((resolve) => channel.onClose(resolve)), what);
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => {
      throw new Error(`Expected a rejection, got ${String(value)}`);
    },
    (reason: unknown) => reason,
  );
}

/** A binary frame numbered `sequence`: the number in its first four bytes, then a fill that depends on it. */
function numberedBlock(buffer: Uint8Array, sequence: number): Uint8Array {
  buffer.fill(sequence & 0xff);
  new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength).setUint32(0, sequence);
  return buffer;
}

function sequenceOf(frame: Frame): number {
  if (typeof frame === 'string') throw new Error(`Expected a binary frame, got text '${frame.slice(0, 40)}'`);
  return new DataView(frame.buffer, frame.byteOffset, frame.byteLength).getUint32(0);
}

function expectNumberedBlock(frame: Frame, sequence: number, sizeBytes: number): void {
  expect(frame).toBeInstanceOf(Uint8Array);
  const bytes = frame as Uint8Array;
  const fill = sequence & 0xff;
  expect({ sequence: sequenceOf(bytes), sizeBytes: bytes.byteLength, middle: bytes[sizeBytes >> 1], last: bytes[sizeBytes - 1] }).toEqual({
    sequence,
    sizeBytes,
    middle: fill,
    last: fill,
  });
}

/** Waits out a short window in which something must NOT happen (a second close event, a late frame). */
function quietPeriod(ms = 150): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function describeTransportContract(name: string, harness: TransportHarness): void {
  describe(`${name} (Transport contract)`, () => {
    const opened: TransportPeers[] = [];
    const makePeers = async (): Promise<TransportPeers> => {
      const peers = await harness.makePeers();
      opened.push(peers);
      return peers;
    };
    afterEach(async () => {
      for (const peers of opened.splice(0)) {
        peers.caller.close();
        peers.answerer.close();
        await peers.dispose?.();
      }
    });

    describe('connecting', () => {
      it('opens a channel both ends of which are open and name the peer at the other end', async () => {
        const peers = await makePeers();
        const [atCaller, atAnswerer] = await connectEnds(peers);
        expect(atCaller.peerId).toBe(peers.answererId);
        expect(atAnswerer.peerId).toBe(peers.callerId);
        expect(atCaller.isOpen).toBe(true);
        expect(atAnswerer.isOpen).toBe(true);
      });

      it('fails with PEER_UNREACHABLE within the timeout when the peer never answers', async () => {
        const peers = await makePeers();
        const startedMs = Date.now();
        const error = await rejectionOf(peers.caller.connect(peers.silentPeerId, { timeoutMs: 1_000 }));
        expect(error).toBeInstanceOf(ShoalError);
        expect((error as ShoalError).code).toBe('PEER_UNREACHABLE');
        expect(Date.now() - startedMs).toBeLessThan(1_000 + 4_000);
      });

      it('fails with a ShoalError, not a hang, when no such peer exists', async () => {
        const peers = await makePeers();
        const error = await withDeadline(rejectionOf(peers.caller.connect(peers.absentPeerId, { timeoutMs: 1_000 })), 'the failure');
        expect(error).toBeInstanceOf(ShoalError);
      });

      it('keeps several channels between the same two peers apart', async () => {
        const peers = await makePeers();
        const [firstAtCaller, firstAtAnswerer] = await connectEnds(peers);
        const [secondAtCaller, secondAtAnswerer] = await connectEnds(peers);
        const onFirst = nextFrames(firstAtAnswerer, 1);
        const onSecond = nextFrames(secondAtAnswerer, 1);
        firstAtCaller.send('first');
        secondAtCaller.send('second');
        expect(await onFirst).toEqual(['first']);
        expect(await onSecond).toEqual(['second']);

        firstAtCaller.close();
        await closeOf(firstAtAnswerer, 'the first channel to close');
        expect(secondAtCaller.isOpen).toBe(true);
        const stillWorking = nextFrames(secondAtCaller, 1);
        secondAtAnswerer.send('still here');
        expect(await stillWorking).toEqual(['still here']);
      });
    });

    describe('frames', () => {
      it('carries text and binary frames both ways, in order, as strings and Uint8Arrays', async () => {
        const peers = await makePeers();
        const [atCaller, atAnswerer] = await connectEnds(peers);
        const count = 60;
        const atAnswererFrames = nextFrames(atAnswerer, count);
        const atCallerFrames = nextFrames(atCaller, count);
        for (let sequence = 0; sequence < count; sequence += 1) {
          for (const end of [atCaller, atAnswerer]) {
            end.send(sequence % 2 === 0 ? `text ${sequence}` : numberedBlock(new Uint8Array(100 + sequence), sequence));
          }
        }
        for (const frames of [await atAnswererFrames, await atCallerFrames]) {
          for (const [sequence, frame] of frames.entries()) {
            if (sequence % 2 === 0) expect(frame).toBe(`text ${sequence}`);
            else expectNumberedBlock(frame, sequence, 100 + sequence);
          }
        }
      });

      it('carries text beyond ASCII and the largest frames the engine sends (a 1024-hash manifest, a chunk block)', async () => {
        const peers = await makePeers();
        const [atCaller, atAnswerer] = await connectEnds(peers);
        const manifestLike = JSON.stringify({ t: 'manifest', chunkHashes: Array.from({ length: 1024 }, (_, i) => i.toString(16).padStart(64, 'a')) });
        const arriving = nextFrames(atAnswerer, 3);
        atCaller.send('Grüße, ana ✓ 𝄞');
        atCaller.send(manifestLike);
        atCaller.send(numberedBlock(new Uint8Array(BLOCK_FRAME_BYTES), 7));
        const [unicode, manifest, block] = await arriving;
        expect(unicode).toBe('Grüße, ana ✓ 𝄞');
        expect(manifest).toBe(manifestLike);
        expectNumberedBlock(block!, 7, BLOCK_FRAME_BYTES);
      });

      it('sends only the bytes of a view, and copies them: the sender may reuse its buffer at once', async () => {
        const peers = await makePeers();
        const [atCaller, atAnswerer] = await connectEnds(peers);
        const arriving = nextFrames(atAnswerer, 3);
        const pooled = new Uint8Array(4_096);
        for (const sequence of [1, 2, 3]) {
          // A frame written at an offset into one reusable buffer, as a serve queue does.
          atCaller.send(numberedBlock(pooled.subarray(100, 100 + 1_000), sequence));
          pooled.fill(0xee);
        }
        for (const [index, frame] of (await arriving).entries()) expectNumberedBlock(frame, index + 1, 1_000);
      });

      it('keeps what arrives before anyone listens and hands it to the first listener, in order', async () => {
        const peers = await makePeers();
        const heard = new Promise<Frame[]>((resolve) => {
          const stop = peers.answerer.onIncoming((channel) => {
            stop();
            // The engine subscribes a little after the channel is handed over; the peer may speak first.
            setTimeout(() => resolve(nextFrames(channel, 5, 'the early frames')), 100);
          });
        });
        const atCaller = await peers.caller.connect(peers.answererId, { timeoutMs: CONNECT_TIMEOUT_MS });
        for (let i = 0; i < 5; i += 1) atCaller.send(`early ${i}`);
        expect(await withDeadline(heard, 'the early frames')).toEqual(['early 0', 'early 1', 'early 2', 'early 3', 'early 4']);
      });

      it('stops calling a listener once it is removed, and goes on calling the others', async () => {
        const peers = await makePeers();
        const [atCaller, atAnswerer] = await connectEnds(peers);
        const removed: Frame[] = [];
        const stop = atAnswerer.onFrame((frame) => removed.push(frame));
        const first = nextFrames(atAnswerer, 1);
        atCaller.send('one');
        expect(await first).toEqual(['one']);
        stop();
        const second = nextFrames(atAnswerer, 1);
        atCaller.send('two');
        expect(await second).toEqual(['two']);
        expect(removed).toEqual(['one']);
      });
    });

    describe('backpressure', () => {
      it('has nothing queued on a new channel, and a wait for drain returns at once', async () => {
        const peers = await makePeers();
        const [atCaller] = await connectEnds(peers);
        expect(atCaller.bufferedAmountBytes()).toBeLessThanOrEqual(harness.lowWaterBytes);
        await withDeadline(atCaller.waitForDrain(), 'an empty channel to drain');
      });

      it('counts what is queued, waits until it falls to the low-water mark, and delivers every frame', async () => {
        const peers = await makePeers();
        const [atCaller, atAnswerer] = await connectEnds(peers);
        const count = 64; // 4 MiB, well past the low-water mark: the network cannot take it in one turn
        const arriving = nextFrames(atAnswerer, count, 'every block');
        const reused = new Uint8Array(BLOCK_FRAME_BYTES);
        for (let sequence = 0; sequence < count; sequence += 1) atCaller.send(numberedBlock(reused, sequence));
        expect(atCaller.bufferedAmountBytes()).toBeGreaterThan(harness.lowWaterBytes);
        await withDeadline(atCaller.waitForDrain(), 'the send buffer to drain');
        expect(atCaller.bufferedAmountBytes()).toBeLessThanOrEqual(harness.lowWaterBytes);
        for (const [sequence, frame] of (await arriving).entries()) expectNumberedBlock(frame, sequence, BLOCK_FRAME_BYTES);
      });
    });

    describe('closing', () => {
      for (const closer of ['caller', 'answerer'] as const) {
        it(`closes both ends when the ${closer} closes, each telling its listeners once`, async () => {
          const peers = await makePeers();
          const [atCaller, atAnswerer] = await connectEnds(peers);
          const [closing, far] = closer === 'caller' ? [atCaller, atAnswerer] : [atAnswerer, atCaller];
          const closeCounts = { closing: 0, far: 0 };
          closing.onClose(() => (closeCounts.closing += 1));
          far.onClose(() => (closeCounts.far += 1));
          const lateFrames: Frame[] = [];
          far.onFrame((frame) => lateFrames.push(frame));
          const closingReason = closeOf(closing, 'the closing end to report its close');
          const farReason = closeOf(far, 'the far end to hear of the close');

          closing.close();
          expect(closing.isOpen).toBe(false);
          for (const reason of [await closingReason, await farReason]) {
            expect(reason === undefined || reason instanceof Error).toBe(true);
          }
          expect(far.isOpen).toBe(false);
          // Closed ends carry nothing more (sending may throw, as RTCDataChannel does) and do not close twice.
          try {
            closing.send('too late');
          } catch {
            // allowed: the engine checks isOpen and catches
          }
          closing.close();
          far.close();
          await quietPeriod();
          expect(closeCounts).toEqual({ closing: 1, far: 1 });
          expect(lateFrames).toEqual([]);
        });
      }

      it('ends a wait for drain at once on a closed channel', async () => {
        const peers = await makePeers();
        const [atCaller] = await connectEnds(peers);
        atCaller.close();
        await withDeadline(atCaller.waitForDrain(), 'a closed channel to stop waiting', 1_000);
      });

      it('tells a listener added after the close that the channel closed', async () => {
        const peers = await makePeers();
        const [atCaller, atAnswerer] = await connectEnds(peers);
        atCaller.close();
        await closeOf(atAnswerer, 'the far end to close');
        await closeOf(atCaller, 'a late listener at the closing end');
        await closeOf(atAnswerer, 'a late listener at the far end');
      });

      it('closes every channel when the transport closes, and the far ends hear of it', async () => {
        const peers = await makePeers();
        const [firstAtCaller, firstAtAnswerer] = await connectEnds(peers);
        const [secondAtCaller, secondAtAnswerer] = await connectEnds(peers);
        const farCloses = [closeOf(firstAtAnswerer, 'the first far end'), closeOf(secondAtAnswerer, 'the second far end')];
        peers.caller.close();
        await Promise.all(farCloses);
        expect([firstAtCaller.isOpen, secondAtCaller.isOpen, firstAtAnswerer.isOpen, secondAtAnswerer.isOpen]).toEqual([false, false, false, false]);
      });
    });

    const signed = harness.signed;
    if (signed !== undefined) {
      describe('signed signalling', () => {
        const makeSignedPeers = async (options?: Parameters<SignedSignallingHarness['makePeers']>[0]) => {
          const peers = await signed.makePeers(options);
          opened.push(peers);
          return peers;
        };

        it('connects peers that sign with the keys the tracker vouches for', async () => {
          const peers = await makeSignedPeers();
          const [atCaller, atAnswerer] = await connectEnds(peers);
          const arriving = nextFrames(atAnswerer, 1);
          atCaller.send('signed hello');
          expect(await arriving).toEqual(['signed hello']);
          expect(peers.refusals).toEqual([]);
        });

        it('refuses an answer signed by another key than the answerer joined with: SIGNATURE_INVALID, naming the answerer', async () => {
          const peers = await makeSignedPeers({ impostor: 'answerer' });
          const error = await rejectionOf(peers.caller.connect(peers.answererId, { timeoutMs: CONNECT_TIMEOUT_MS }));
          expect(error).toBeInstanceOf(ShoalError);
          expect((error as ShoalError).code).toBe('SIGNATURE_INVALID');
          expect(peers.refusals).toEqual([{ at: 'caller', peerId: peers.answererId, peerName: peers.answererName }]);
        });

        /** The caller's offer is refused at the answerer, naming the caller, and no channel is handed over. */
        const expectOfferRefused = async (options: Parameters<SignedSignallingHarness['makePeers']>[0]): Promise<void> => {
          const peers = await makeSignedPeers(options);
          let handedOver = 0;
          peers.answerer.onIncoming(() => (handedOver += 1));
          const error = await rejectionOf(peers.caller.connect(peers.answererId, { timeoutMs: 2_000 }));
          expect(error).toBeInstanceOf(ShoalError);
          expect(peers.refusals).toEqual([{ at: 'answerer', peerId: peers.callerId, peerName: peers.callerName }]);
          expect(handedOver).toBe(0);
        };

        it('refuses an offer signed by another key than the caller joined with, and hands no channel over', async () => {
          await expectOfferRefused({ impostor: 'caller' });
        });

        it('refuses an offer whose certificate fingerprint was changed on the way', async () => {
          await expectOfferRefused({ alterOffers: true });
        });
      });
    }
  });
}
