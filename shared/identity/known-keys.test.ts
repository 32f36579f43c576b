import { describe, expect, it } from 'vitest';
import type { PeerSummary } from '../protocol/tracker-messages';
import { findKeyChanges, type KnownKeyStore } from './known-keys';
import { generateKeyPair, identityFromKeyPair, keyFingerprint } from './peer-keys';

/** An in-memory KnownKeyStore: the browser's (IndexedDB) and Node's (file) follow the same contract. */
function memoryKnownKeys(): KnownKeyStore {
  const keys = new Map<string, string>();
  return {
    keyOf: async (name) => keys.get(name.toLowerCase()),
    remember: async (name, key) => void keys.set(name.toLowerCase(), key),
  };
}

async function peer(id: string, name: string): Promise<PeerSummary> {
  const { publicKey } = await identityFromKeyPair(await generateKeyPair(false));
  return { id, name, files: 0, publicKey, fingerprint: await keyFingerprint(publicKey) };
}

describe('findKeyChanges', () => {
  it('remembers keys on first sight and reports a known name with a new key', async () => {
    const store = memoryKnownKeys();
    const ana = await peer('1', 'ana');
    expect(await findKeyChanges([ana], undefined, store)).toEqual([]);
    expect(await findKeyChanges([ana], undefined, store)).toEqual([]);

    const impostor = await peer('2', 'ANA');
    const [change] = await findKeyChanges([impostor], undefined, store);
    expect(change?.peer.id).toBe('2');
    expect(change?.warning).toContain(await keyFingerprint(ana.publicKey));
    expect(change?.warning).toContain(impostor.fingerprint);
  });

  it('never checks our own entry', async () => {
    const store = memoryKnownKeys();
    const me = await peer('me', 'me');
    await store.remember('me', 'another key');
    expect(await findKeyChanges([me], 'me', store)).toEqual([]);
  });
});
