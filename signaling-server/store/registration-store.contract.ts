/**
 * The behaviour every RegistrationStore must show. An implementation's test file calls
 * `describeRegistrationStoreContract('Name', () => new SomeStore(...))` and must pass all of it.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { ShoalError } from '../../shared/protocol';
import type { Ban, Registration, RegistrationStore } from './registration-store';

export type MakeRegistrationStore = () => RegistrationStore | Promise<RegistrationStore>;

/** A made-up key and fingerprint: stores keep keys as opaque text and never verify them. */
export function registrationFor(name: string, registeredAtMs = Date.now()): Registration {
  const fingerprint = (randomBytes(8).toString('hex').match(/.{4}/g) ?? []).join(' ');
  return { name, publicKey: randomBytes(65).toString('base64'), fingerprint, registeredAtMs };
}

function banOf(registration: Registration, bannedAtMs: number, withKey = true): Ban {
  return { fingerprint: registration.fingerprint, publicKey: withKey ? registration.publicKey : null, bannedAtMs };
}

export function describeRegistrationStoreContract(name: string, makeStore: MakeRegistrationStore): void {
  describe(`${name} (RegistrationStore contract)`, () => {
    const opened: RegistrationStore[] = [];
    async function freshStore(): Promise<RegistrationStore> {
      const store = await makeStore();
      opened.push(store);
      return store;
    }
    afterEach(async () => {
      for (const store of opened.splice(0)) await store.close();
    });

    describe('names', () => {
      it('binds a free name to the first key that claims it', async () => {
        const store = await freshStore();
        const ana = registrationFor('Ana');
        expect(await store.claimName(ana)).toEqual({ registration: ana, isNew: true });
        expect(await store.registrationOf('ana')).toEqual(ana);
        expect(await store.registrationOf('Bo')).toBeUndefined();
      });

      it('confirms the same key claiming its name again, in any case, keeping the first registration', async () => {
        const store = await freshStore();
        const ana = registrationFor('Ana', 1_000);
        await store.claimName(ana);
        expect(await store.claimName({ ...ana, name: 'ANA', registeredAtMs: 2_000 })).toEqual({ registration: ana, isNew: false });
      });

      it('refuses the name to any other key, whatever the case, with an actionable message', async () => {
        const store = await freshStore();
        const ana = registrationFor('Ana');
        await store.claimName(ana);
        const error: unknown = await store.claimName(registrationFor('aNA')).catch((reason: unknown) => reason);
        expect(error).toBeInstanceOf(ShoalError);
        expect(error).toMatchObject({ code: 'NAME_TAKEN', message: "Name 'aNA' belongs to someone else — choose another", details: { peerName: 'aNA' } });
        expect(await store.registrationOf('Ana')).toEqual(ana);
      });

      it('lets exactly one of two simultaneous claims of a name win', async () => {
        const store = await freshStore();
        const outcomes = await Promise.allSettled([store.claimName(registrationFor('Bo')), store.claimName(registrationFor('BO'))]);
        expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
        expect(await store.listRegistrations()).toHaveLength(1);
      });

      it('lists registrations by name, case-insensitively', async () => {
        const store = await freshStore();
        const [cy, ana, bo] = [registrationFor('cy'), registrationFor('Ana'), registrationFor('bo')];
        for (const registration of [cy, ana, bo]) await store.claimName(registration);
        expect(await store.listRegistrations()).toEqual([ana, bo, cy]);
      });

      it('frees a revoked name for anyone and says what it removed', async () => {
        const store = await freshStore();
        const ana = registrationFor('Ana');
        await store.claimName(ana);
        expect(await store.revokeName('ANA')).toEqual(ana);
        expect(await store.revokeName('Ana')).toBeUndefined();
        const newcomer = registrationFor('ana');
        expect(await store.claimName(newcomer)).toEqual({ registration: newcomer, isNew: true });
      });

      it('hands out copies, so changing a result cannot change the store', async () => {
        const store = await freshStore();
        const ana = registrationFor('Ana');
        (await store.claimName({ ...ana })).registration.publicKey = 'changed';
        (await store.listRegistrations())[0]!.name = 'changed';
        expect(await store.registrationOf('Ana')).toEqual(ana);
      });
    });

    describe('bans', () => {
      it('bans a fingerprint, finds it, and lists bans oldest first', async () => {
        const store = await freshStore();
        const [ana, bo] = [registrationFor('Ana'), registrationFor('Bo')];
        expect(await store.ban(banOf(bo, 2_000))).toEqual(banOf(bo, 2_000));
        await store.ban(banOf(ana, 1_000, false));
        expect(await store.banOf(bo.fingerprint)).toEqual(banOf(bo, 2_000));
        expect(await store.banOf(registrationFor('Cy').fingerprint)).toBeUndefined();
        expect(await store.listBans()).toEqual([banOf(ana, 1_000, false), banOf(bo, 2_000)]);
      });

      it('keeps the first date when banned again and fills in a key it lacked', async () => {
        const store = await freshStore();
        const ana = registrationFor('Ana');
        await store.ban(banOf(ana, 1_000, false));
        expect(await store.ban(banOf(ana, 5_000))).toEqual(banOf(ana, 1_000));
        expect(await store.ban(banOf(ana, 6_000, false))).toEqual(banOf(ana, 1_000));
        expect(await store.listBans()).toHaveLength(1);
      });

      it('lifts a ban and says what it lifted', async () => {
        const store = await freshStore();
        const ana = registrationFor('Ana');
        await store.ban(banOf(ana, 1_000));
        expect(await store.unban(ana.fingerprint)).toEqual(banOf(ana, 1_000));
        expect(await store.unban(ana.fingerprint)).toBeUndefined();
        expect(await store.banOf(ana.fingerprint)).toBeUndefined();
      });

      it('leaves registrations alone when their key is banned', async () => {
        const store = await freshStore();
        const ana = registrationFor('Ana');
        await store.claimName(ana);
        await store.ban(banOf(ana, 1_000));
        expect(await store.registrationOf('Ana')).toEqual(ana);
      });
    });
  });
}
