/**
 * Peers behind separate NATs (MASQUERADE routers): with STUN and public sides that can reach each
 * other they connect directly; when the public sides cannot, the download says the peer cannot be
 * reached, unless the tracker hands out TURN credentials for a coturn the test starts, and then
 * the file comes relayed, browser to browser and CLI to browser, byte for byte.
 */
import { downloadAndHash, resultRow, search, share, startDownload, transferRow } from '../peer-actions';
import { makeRandomFile } from '../test-files';
import { startCoturn } from './coturn';
import { expect, test } from './lab-test';
import { startTrackerIn } from './tracker-in-namespace';
import { SERVER_IP, twoHomes } from './two-homes';

const MiB = 1024 * 1024;
const TURN_SECRET = 'shoal-lab-turn-secret-0123456789';

test.setTimeout(120_000);

test('two NATed browsers whose public sides can reach each other connect directly with STUN', async ({ net }) => {
  const { server, a, b } = await twoHomes(net.lab, { isSeparated: false });
  const stun = await startCoturn(net.lab, server, SERVER_IP, { secret: TURN_SECRET });
  const tracker = await startTrackerIn(net.lab, server, SERVER_IP, { env: { SHOAL_ICE_SERVERS: JSON.stringify([{ urls: stun.stunUrl }]) } });
  const file = await makeRandomFile('punched.bin', 3 * MiB + 5);
  const [ana, ben] = await Promise.all([net.peerIn(a.host, tracker.url, 'ana'), net.peerIn(b.host, tracker.url, 'ben')]);
  await share(ana.page, file);
  await search(ben.page, 'punched');
  expect(await downloadAndHash(ben.page, file.name)).toBe(file.sha256);
  await expect(transferRow(ben.page, file.name)).toContainText(/ana \(direct\b/);
});

test('without TURN, a peer behind a NAT that cannot be reached is named in the transfer row', async ({ net }) => {
  const { server, a, b } = await twoHomes(net.lab, { isSeparated: true });
  const stun = await startCoturn(net.lab, server, SERVER_IP, { secret: TURN_SECRET });
  const tracker = await startTrackerIn(net.lab, server, SERVER_IP, { env: { SHOAL_ICE_SERVERS: JSON.stringify([{ urls: stun.stunUrl }]) } });
  const file = await makeRandomFile('out of reach.bin', 1 * MiB);
  const [ana, ben] = await Promise.all([net.peerIn(a.host, tracker.url, 'ana'), net.peerIn(b.host, tracker.url, 'ben')]);
  await share(ana.page, file);
  await search(ben.page, 'reach');
  await startDownload(ben.page, file.name);
  await expect(transferRow(ben.page, file.name)).toContainText(/Could not reach ana/, { timeout: 60_000 });
});

test('with TURN from the tracker, browser to browser and CLI to browser are relayed and arrive intact', async ({ net }) => {
  const { server, a, b } = await twoHomes(net.lab, { isSeparated: true });
  const turn = await startCoturn(net.lab, server, SERVER_IP, { secret: TURN_SECRET });
  const tracker = await startTrackerIn(net.lab, server, SERVER_IP, {
    env: { SHOAL_TURN_URLS: turn.turnUrl, SHOAL_TURN_SECRET: TURN_SECRET },
  });
  const fromBrowser = await makeRandomFile('relayed by browser.bin', 4 * MiB + 9);
  const fromCli = await makeRandomFile('relayed by cli.bin', 3 * MiB + 3);
  const [ana, ben] = await Promise.all([net.peerIn(a.host, tracker.url, 'ana'), net.peerIn(b.host, tracker.url, 'ben')]);
  await share(ana.page, fromBrowser);
  await search(ben.page, 'relayed');
  expect(await downloadAndHash(ben.page, fromBrowser.name)).toBe(fromBrowser.sha256);
  await expect(transferRow(ben.page, fromBrowser.name)).toContainText(/ana \(relayed\b/);

  // The CLI seeds from home a (beside ana's browser); ben downloads from it alone.
  const cid = await net.cliIn(a.host, tracker.url, 'cid', ['share', fromCli.path]);
  await cid.waitForOutput(/Sharing 1 file/, 60_000);
  await search(ben.page, 'cli');
  await expect(resultRow(ben.page, fromCli.name)).toContainText('1 peer');
  expect(await downloadAndHash(ben.page, fromCli.name)).toBe(fromCli.sha256);
  await expect(transferRow(ben.page, fromCli.name)).toContainText(/cid \(relayed\b/);
});
