/** The Node peer's known keys (name → public key) in `<data-dir>/known-keys.json`. */
import path from 'node:path';
import { z } from 'zod';
import type { KnownKeyStore } from '../../shared/identity/known-keys';
import { readJsonFile, writeJsonFileAtomic } from './json-file';

const knownKeysSchema = z.record(z.string(), z.string());

export class KnownKeysFile implements KnownKeyStore {
  private readonly filePath: string;
  private keys: Record<string, string> | undefined;

  constructor(dataDir: string) {
    this.filePath = path.join(dataDir, 'known-keys.json');
  }

  async keyOf(name: string): Promise<string | undefined> {
    return (await this.load())[name.toLowerCase()];
  }

  async remember(name: string, publicKey: string): Promise<void> {
    const keys = await this.load();
    keys[name.toLowerCase()] = publicKey;
    await writeJsonFileAtomic(this.filePath, keys);
  }

  private async load(): Promise<Record<string, string>> {
    this.keys ??= (await readJsonFile(this.filePath, knownKeysSchema)) ?? {};
    return this.keys;
  }
}
