/**
 * A long, lossy, rate-limited link: the downloader's cable has 20 ms each way (40 ms round trip),
 * 0.5 % loss each way and 100 Mbit/s (tc netem on both ends, or the link emulator where the kernel
 * has no netem); 64 MiB arrive byte for byte.
 */
import { search, share, startDownload, transferRow } from '../peer-actions';
import { makeRandomFile } from '../test-files';
import { TEST_PREFIX } from './lab';
import { expect, skipOutsideCi, test } from './lab-test';
import { oneLan } from './one-lan';
import { tcpConnectMs } from './reachability';
import { availableShaping, shapeLink } from './shaping';

const MiB = 1024 * 1024;
const LINK = { delayMs: 20, lossPercent: 0.5, rateMbit: 100 };

/** The shaping is in place: TCP handshakes to the tracker take about one round trip (a lost SYN costs a retry, so the least of three). */
async function expectRoundTripNear(ns: string, trackerUrl: string, roundTripMs: number): Promise<void> {
  const { hostname, port } = new URL(trackerUrl);
  const timings: number[] = [];
  for (let attempt = 0; attempt < 3; attempt++) timings.push(await tcpConnectMs(ns, hostname, Number(port)));
  expect(Math.min(...timings)).toBeGreaterThanOrEqual(roundTripMs * 0.9);
  expect(Math.min(...timings)).toBeLessThan(roundTripMs + 50);
}

test.setTimeout(240_000);

test('64 MiB cross a 40 ms, 0.5 % loss, 100 Mbit/s link byte for byte', async ({ net }) => {
  const { method, missing } = await availableShaping(TEST_PREFIX);
  skipOutsideCi(test.info(), missing);
  test.info().annotations.push({ type: 'shaping', description: method ?? '' });
  const { tracker, seeder, downloader } = await oneLan(net.lab);
  await shapeLink(net.lab, downloader, LINK, method);
  await expectRoundTripNear(downloader.ns, tracker.url, 2 * LINK.delayMs);
  const file = await makeRandomFile('long lossy link.bin', 64 * MiB);
  const [ana, ben] = await Promise.all([net.peerIn(seeder.ns, tracker.url, 'ana'), net.peerIn(downloader.ns, tracker.url, 'ben')]);
  await share(ana.page, file);
  await search(ben.page, 'lossy');
  const download = await startDownload(ben.page, file.name, 180_000);
  expect(await download.savedSha256()).toBe(file.sha256);
  await expect(transferRow(ben.page, file.name)).toContainText('Completed');
});
