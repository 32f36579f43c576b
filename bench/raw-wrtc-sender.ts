/**
 * The raw Node baselines' sending end, run in a process of its own as a Shoal seeder (`shoal share`)
 * is. Signalled over stdio, one JSON line each way: it prints its offer, reads the answer, sends
 * the byte count given as its argument, and exits when stdin says "done" (or closes).
 */
import { createInterface } from 'node:readline';
import wrtc from '@roamhq/wrtc';
import { iceGathered, openedChannel, sendPaced, type RawChannel } from './raw-wrtc';

const totalBytes = Number(process.argv[2]);
if (!Number.isSafeInteger(totalBytes) || totalBytes <= 0) throw new Error('usage: raw-wrtc-sender <bytes>');

const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
const pc = new wrtc.RTCPeerConnection({ iceServers: [] });
const channel = pc.createDataChannel('raw', { ordered: true }) as unknown as RawChannel;
await pc.setLocalDescription(await pc.createOffer());
await iceGathered(pc);
console.log(JSON.stringify({ type: pc.localDescription?.type, sdp: pc.localDescription?.sdp }));
const answer = (await lines.next()).value as string | undefined;
if (answer === undefined) throw new Error('No answer on stdin');
await pc.setRemoteDescription(new wrtc.RTCSessionDescription(JSON.parse(answer) as { type: 'answer'; sdp: string }));
await openedChannel(channel);
await sendPaced(channel, totalBytes);
await lines.next(); // "done": the receiver has everything
pc.close();
process.exit(0);
