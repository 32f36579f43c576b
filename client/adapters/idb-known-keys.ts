/** The keys of peers we have met, by lowercase name, so a known name showing a new key is noticed. */
import { createStore, get, set, type UseStore } from 'idb-keyval';
import type { KnownKeyStore } from '../../shared/identity/known-keys';

export class IdbKnownKeys implements KnownKeyStore {
  private readonly store: UseStore;

  constructor(namespace = 'shoal') {
    this.store = createStore(`${namespace}-known-keys`, 'keys');
  }

  keyOf(name: string): Promise<string | undefined> {
    return get<string>(name.toLowerCase(), this.store);
  }

  remember(name: string, publicKey: string): Promise<void> {
    return set(name.toLowerCase(), publicKey, this.store);
  }
}
