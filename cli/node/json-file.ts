/** Small JSON state files: parsed with a schema when read (a damaged file reads as absent), and
 * replaced atomically when written, so a crash never leaves half a file. */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { KeyValueStore } from '../../shared/node/parts';

export async function readJsonFile<S extends z.ZodType>(filePath: string, schema: S): Promise<z.output<S> | undefined> {
  let text: string;
  try {
    text = await readFile(filePath, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export async function writeJsonFileAtomic(filePath: string, value: unknown): Promise<void> {
  await mkdir(path.dirname(filePath), { recursive: true });
  const temporary = `${filePath}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temporary, JSON.stringify(value));
    await rename(temporary, filePath);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

const stringMapSchema = z.record(z.string(), z.string());

/** A string-to-string map kept in one JSON file: read once, rewritten atomically on every change. */
export class JsonMapFile implements KeyValueStore {
  private values: Record<string, string> | undefined;

  constructor(private readonly filePath: string) {}

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
    this.values ??= (await readJsonFile(this.filePath, stringMapSchema)) ?? {};
    return this.values;
  }
}
