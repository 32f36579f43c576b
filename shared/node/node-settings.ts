/**
 * The node's remembered settings over the host's key-value store: the name to re-join under, the
 * network key, the downloads the person paused, the rate limits. Values are checked when read (a
 * hand-edited or damaged value reads as absent).
 */
import { z } from 'zod';
import type { RateLimitSettings } from './node-events';
import type { KeyValueStore } from './parts';

const KEYS = {
  name: 'displayName',
  networkKey: 'networkKey',
  paused: 'pausedDownloads',
  uploadLimit: 'uploadLimitKiBps',
  downloadLimit: 'downloadLimitKiBps',
} as const;

const idListSchema = z.array(z.string());

export class NodeSettings {
  constructor(private readonly store: KeyValueStore) {}

  rememberedName(): Promise<string | undefined> {
    return this.store.get(KEYS.name);
  }

  async networkKey(): Promise<string | undefined> {
    return (await this.store.get(KEYS.networkKey)) || undefined;
  }

  async rememberJoin(name: string, networkKey: string | undefined): Promise<void> {
    await this.store.set(KEYS.name, name);
    await this.store.set(KEYS.networkKey, networkKey);
  }

  forgetName(): Promise<void> {
    return this.store.set(KEYS.name, undefined);
  }

  async pausedIds(): Promise<string[]> {
    const text = await this.store.get(KEYS.paused);
    if (text === undefined) return [];
    try {
      const parsed = idListSchema.safeParse(JSON.parse(text));
      return parsed.success ? parsed.data : [];
    } catch {
      return [];
    }
  }

  async setPaused(contentId: string, isPaused: boolean): Promise<void> {
    const others = (await this.pausedIds()).filter((id) => id !== contentId);
    await this.store.set(KEYS.paused, JSON.stringify(isPaused ? [...others, contentId] : others));
  }

  async limits(): Promise<RateLimitSettings> {
    return {
      uploadKiBps: sanitizeKiBps(Number(await this.store.get(KEYS.uploadLimit))),
      downloadKiBps: sanitizeKiBps(Number(await this.store.get(KEYS.downloadLimit))),
    };
  }

  async setLimits(limits: RateLimitSettings): Promise<void> {
    await this.store.set(KEYS.uploadLimit, String(limits.uploadKiBps));
    await this.store.set(KEYS.downloadLimit, String(limits.downloadKiBps));
  }
}

/** A limit in whole KiB/s; anything not a positive number means unlimited (0). */
export function sanitizeKiBps(kiBps: number): number {
  return Number.isFinite(kiBps) && kiBps > 0 ? Math.floor(kiBps) : 0;
}

/** Settings kept in memory only (tests; a host that remembers nothing between runs). */
export class MemoryKeyValueStore implements KeyValueStore {
  readonly values = new Map<string, string>();

  async get(key: string): Promise<string | undefined> {
    return this.values.get(key);
  }

  async set(key: string, value: string | undefined): Promise<void> {
    if (value === undefined) this.values.delete(key);
    else this.values.set(key, value);
  }
}
