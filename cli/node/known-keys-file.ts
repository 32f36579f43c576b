/** The Node peer's known keys (name → public key) in `<data-dir>/known-keys.json`. */
import path from 'node:path';
import type { KnownKeyStore } from '../../shared/identity/known-keys';
import { JsonMapFile } from './json-file';

export class KnownKeysFile implements KnownKeyStore {
  private readonly file: JsonMapFile;

  constructor(dataDir: string) {
    this.file = new JsonMapFile(path.join(dataDir, 'known-keys.json'));
  }

  /** Names are kept lower-cased: the tracker treats names that differ only in case as one. */
  keyOf(name: string): Promise<string | undefined> {
    return this.file.get(name.toLowerCase());
  }

  remember(name: string, publicKey: string): Promise<void> {
    return this.file.set(name.toLowerCase(), publicKey);
  }
}
