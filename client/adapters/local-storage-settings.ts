/** The peer node's settings in localStorage, under `shoal.<key>` (the keys earlier versions used). */
import type { KeyValueStore } from '../../shared/node/parts';

const PREFIX = 'shoal.';

export class LocalStorageSettings implements KeyValueStore {
  async get(key: string): Promise<string | undefined> {
    return localStorage.getItem(PREFIX + key) ?? undefined;
  }

  async set(key: string, value: string | undefined): Promise<void> {
    if (value === undefined) localStorage.removeItem(PREFIX + key);
    else localStorage.setItem(PREFIX + key, value);
  }
}
