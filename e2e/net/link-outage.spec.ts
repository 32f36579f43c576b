/**
 * The downloader's cable is pulled at the switch for 10 s in the middle of a transfer (tracker
 * and seeder gone from its view, its peer connection and tracker socket cut); once it is back,
 * the download completes byte for byte with nobody clicking anything.
 */
import { percentDone, search, setLimit, share, startDownload, transferRow, waitForPercent } from '../peer-actions';
import { makeRandomFile } from '../test-files';
import { expect, test } from './lab-test';
import { oneLan } from './one-lan';

const MiB = 1024 * 1024;
const OUTAGE_MS = 10_000;

test.setTimeout(180_000);

test('a download survives its link going down for 10 s and finishes without a click', async ({ net }) => {
  const { tracker, seeder, downloader } = await oneLan(net.lab);
  const file = await makeRandomFile('through the outage.bin', 16 * MiB + 11);
  const [ana, ben] = await Promise.all([net.peerIn(seeder.ns, tracker.url, 'ana'), net.peerIn(downloader.ns, tracker.url, 'ben')]);
  await share(ana.page, file);
  // About 8 s for the whole file, so the outage lands in the middle of it.
  await setLimit(ana.page, 'Upload limit', 2048);
  await search(ben.page, 'outage');
  const download = await startDownload(ben.page, file.name, 150_000);
  await waitForPercent(ben.page, file.name, 20);

  const cable = downloader.far;
  const percentAtCut = await percentDone(ben.page, file.name);
  await net.lab.setLinkUp(cable.ns, cable.iface, false);
  try {
    // The outage is the scenario itself, not a wait for a condition: 10 s of no link.
    await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
  } finally {
    await net.lab.setLinkUp(cable.ns, cable.iface, true);
  }
  // The cut landed in the middle of the transfer, not after it.
  expect(percentAtCut).toBeLessThan(100);

  expect(await download.savedSha256()).toBe(file.sha256);
  await expect(transferRow(ben.page, file.name)).toContainText('Completed');
});
