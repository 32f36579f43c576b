/**
 * TURN credentials that coturn refuses, expired or made with the wrong secret, between two homes
 * that only a relay could join: the download says so in words within a bounded time, and the
 * page keeps working.
 */
import { createHmac } from 'node:crypto';
import { search, share, startDownload, transferRow } from '../peer-actions';
import { makeRandomFile } from '../test-files';
import { startCoturn, type Coturn } from './coturn';
import { expect, test, type NetLab } from './lab-test';
import { startTrackerIn, type TrackerEnv } from './tracker-in-namespace';
import { SERVER_IP, twoHomes } from './two-homes';

const MiB = 1024 * 1024;
const TURN_SECRET = 'shoal-lab-turn-secret-0123456789';

test.setTimeout(120_000);

/** coturn's username/password scheme, for a credential the test makes itself. */
function turnCredential(secret: string, username: string): string {
  return createHmac('sha1', secret).update(username).digest('base64');
}

async function expectRefusedRelay(net: NetLab, trackerEnv: (turn: Coturn) => TrackerEnv): Promise<void> {
  const { server, a, b } = await twoHomes(net.lab, { isSeparated: true });
  const turn = await startCoturn(net.lab, server, SERVER_IP, { secret: TURN_SECRET });
  const tracker = await startTrackerIn(net.lab, server, SERVER_IP, { env: trackerEnv(turn) });
  const file = await makeRandomFile('refused relay.bin', 1 * MiB);
  const [ana, ben] = await Promise.all([net.peerIn(a.host, tracker.url, 'ana'), net.peerIn(b.host, tracker.url, 'ben')]);
  await share(ana.page, file);
  await search(ben.page, 'refused');
  await startDownload(ben.page, file.name);

  // Within the deadline and in words: who could not be reached, and that the relay refused us.
  const row = transferRow(ben.page, file.name);
  await expect(row).toContainText(/Could not reach ana/, { timeout: 60_000 });
  await expect(row).toContainText(/credentials/);
  // coturn did see the attempts and refused them (so the test checks what it claims to).
  await turn.process.waitForOutput(/401|438|Unauthorized|Stale/i, 5_000);
  // Nothing hangs: the page still answers a search.
  await search(ben.page, 'nothing by this name');
  await expect(ben.page.getByRole('status').first()).toContainText('Online as ben');
}

test('TURN credentials made with the wrong secret give a clear error, and nothing hangs', async ({ net }) => {
  await expectRefusedRelay(net, (turn) => ({ SHOAL_TURN_URLS: turn.turnUrl, SHOAL_TURN_SECRET: 'not-the-coturn-secret-987654' }));
});

test('expired TURN credentials give a clear error, and nothing hangs', async ({ net }) => {
  // The tracker mints credentials for a day, so expired ones come as a fixed server entry:
  // correctly signed, but for a time an hour ago.
  const username = `${Math.floor(Date.now() / 1000) - 3600}:expired`;
  await expectRefusedRelay(net, (turn) => ({
    SHOAL_ICE_SERVERS: JSON.stringify([{ urls: turn.turnUrl, username, credential: turnCredential(TURN_SECRET, username) }]),
  }));
});
