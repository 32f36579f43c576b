import { test, expect } from './fixtures';
import { resultRow, search, share } from './peer-actions';
import { makeRandomFile } from './test-files';

test('the join form explains empty, too long and taken names', async ({ browser, tracker, peers }) => {
  await peers('Ana');
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(tracker.url);
  const nameBox = page.getByRole('textbox', { name: 'Display name' });
  const join = page.getByRole('button', { name: 'Join' });

  await nameBox.fill('   ');
  await join.click();
  await expect(page.getByRole('alert')).toContainText('Enter a display name');

  await nameBox.fill('x'.repeat(41));
  await join.click();
  await expect(page.getByRole('alert')).toContainText('at most 40 characters');

  await nameBox.fill('  aNA ');
  await join.click();
  await expect(page.getByRole('alert')).toContainText('belongs to someone else');

  await nameBox.fill('Bea');
  await join.click();
  await expect(page.getByRole('status')).toContainText('Online as Bea');
  await context.close();
});

test('a peer that closes disappears from the peer list and from search results', async ({ peers }) => {
  const file = await makeRandomFile('leaving.bin', 300_000);
  const [ana, ben] = await peers('ana', 'ben');
  await share(ana.page, file);

  const benPeers = ben.page.getByRole('list', { name: 'Peers' });
  await expect(benPeers.getByRole('listitem').filter({ hasText: 'ana' })).toBeVisible();
  await search(ben.page, '');
  await expect(resultRow(ben.page, file.name)).toBeVisible();

  await ana.close();

  await expect(benPeers.getByRole('listitem').filter({ hasText: 'ana' })).toHaveCount(0);
  await expect(resultRow(ben.page, file.name)).toHaveCount(0);
});
