import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { registrationFor, describeRegistrationStoreContract } from './registration-store.contract';
import { SqliteRegistrationStore } from './sqlite-registration-store';

const dataDir = mkdtempSync(join(tmpdir(), 'shoal-registrations-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

let fileCount = 0;
describeRegistrationStoreContract('SqliteRegistrationStore', () => new SqliteRegistrationStore(join(dataDir, `contract-${fileCount++}.db`)));

describe('SqliteRegistrationStore on disk', () => {
  it('keeps registrations and bans after it is closed and opened again', async () => {
    const path = join(dataDir, 'nested', 'dir', 'reopen.db');
    const ana = registrationFor('Ana');
    const bo = registrationFor('Bo');
    const first = new SqliteRegistrationStore(path);
    await first.claimName(ana);
    await first.ban({ fingerprint: bo.fingerprint, publicKey: null, bannedAtMs: 1_000 });
    await first.close();

    const reopened = new SqliteRegistrationStore(path);
    try {
      expect(await reopened.listRegistrations()).toEqual([ana]);
      await expect(reopened.claimName(registrationFor('ana'))).rejects.toMatchObject({ code: 'NAME_TAKEN' });
      expect(await reopened.banOf(bo.fingerprint)).toEqual({ fingerprint: bo.fingerprint, publicKey: null, bannedAtMs: 1_000 });
    } finally {
      await reopened.close();
    }
  });
});
