/**
 * A home LAN over plain HTTP: the tracker and browser A on one machine (A opens localhost), browser
 * B on another machine opening the tracker by its LAN address, and a Node peer on a third.
 * Chromium keeps its default of hiding host addresses behind mDNS names (see LAB_CHROMIUM_ARGS).
 */
import { stat } from 'node:fs/promises';
import { downloadAndHash, resultRow, search, share } from '../peer-actions';
import { makeRandomFile, sha256OfFile } from '../test-files';
import { expect, test } from './lab-test';
import { startTrackerIn } from './tracker-in-namespace';

const MiB = 1024 * 1024;

test.setTimeout(150_000);

test('browsers and a Node peer on a LAN share, search and download over plain HTTP', async ({ net }) => {
  const { lab } = net;
  const lan = await lab.switch('lan', '192.168.77.1/24');
  const machineA = await lab.namespace('a');
  const machineB = await lab.namespace('b');
  const machineC = await lab.namespace('c');
  const nicA = await lab.plug(machineA, lan, '192.168.77.2/24');
  await lab.plug(machineB, lan, '192.168.77.3/24');
  await lab.plug(machineC, lan, '192.168.77.4/24');
  for (const machine of [machineA, machineB, machineC]) await lab.defaultRoute(machine, '192.168.77.1');
  const tracker = await startTrackerIn(lab, machineA, nicA.ip, { isListeningOnAll: true });
  const file = await makeRandomFile('lan holiday.bin', 5 * MiB + 77);

  const [ana, ben] = await Promise.all([
    net.peerIn(machineA, 'http://localhost:8080', 'ana'),
    net.peerIn(machineB, tracker.url, 'ben'),
  ]);
  expect(ben.page.url()).toContain('http://192.168.77.2:8080');
  await share(ana.page, file);
  await search(ben.page, 'holiday');
  await expect(resultRow(ben.page, file.name)).toContainText('1 peer');
  expect(await downloadAndHash(ben.page, file.name)).toBe(file.sha256);

  const outDir = await lab.tempDir('cli-out');
  const cid = await net.cliIn(machineC, tracker.url, 'cid', ['get', file.name, '--out', outDir, '--json']);
  expect(await cid.exitCode(60_000), cid.output()).toBe(0);
  const saved = JSON.parse((cid.output().trim().split('\n').at(-1) ?? '{}')) as { path: string };
  expect(await sha256OfFile(saved.path)).toBe(file.sha256);
  expect((await stat(saved.path)).size).toBe(file.size);
});
