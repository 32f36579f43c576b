/** The Node peer's settings (paused downloads, rate limits) in `<data-dir>/settings.json`. */
import path from 'node:path';
import { z } from 'zod';
import type { KeyValueStore } from '../../shared/node/parts';
import { readJsonFile, writeJsonFileAtomic } from './json-file';

const settingsSchema = z.record(z.string(), z.string());

export class SettingsFile implements KeyValueStore {
  private readonly filePath: string;
  private values: Record<string, string> | undefined;

  constructor(dataDir: string) {
    this.filePath = path.join(dataDir, 'settings.json');
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.load())[key];
  }

  async set(key: string, value: string | undefined): Promise<void> {
    const values = await this.load();
    if (value === undefined) delete values[key];
    else values[key] = value;
    await writeJsonFileAtomic(this.filePath, values);
  }

  private async load(): Promise<Record<string, string>> {
    this.values ??= (await readJsonFile(this.filePath, settingsSchema)) ?? {};
    return this.values;
  }
}
