/**
 * Picks the tracker's stores: Redis when given a Redis URL (state and registrations shared by every
 * tracker process on it), else the embedded ones (tracker state in memory; registrations in SQLite
 * under the data directory, or in memory without one). Stores the caller passes in are used as
 * they are and left for the caller to close.
 */
import { join } from 'node:path';
import { REGISTRATIONS_DB_FILE } from '../config';
import { MemoryRegistrationStore } from './memory-registration-store';
import { MemoryStore } from './memory-store';
import { RedisRegistrationStore } from './redis-registration-store';
import { RedisTrackerStore } from './redis-tracker-store';
import type { RegistrationStore } from './registration-store';
import { SqliteRegistrationStore } from './sqlite-registration-store';
import type { TrackerStore } from './tracker-store';

export interface StoreChoice {
  store?: TrackerStore;
  registrations?: RegistrationStore;
  /** For the embedded registration store: SQLite under this directory. */
  dataDir?: string;
  redisUrl?: string;
  /** Key prefix in Redis: one network per prefix. */
  redisKeyPrefix?: string;
}

export interface TrackerStores {
  store: TrackerStore;
  registrations: RegistrationStore;
  /** Closes the stores opened here (not those passed in). */
  close(): Promise<void>;
}

export async function openTrackerStores(choice: StoreChoice): Promise<TrackerStores> {
  const closers: (() => Promise<void>)[] = [];
  const close = async (): Promise<void> => {
    for (const closeOne of closers.splice(0).reverse()) await closeOne();
  };
  try {
    const { redisUrl, redisKeyPrefix: keyPrefix } = choice;
    let store = choice.store;
    if (store === undefined) {
      if (redisUrl === undefined) {
        store = new MemoryStore();
      } else {
        const redisStore = await RedisTrackerStore.open({ url: redisUrl, keyPrefix });
        closers.push(() => redisStore.close());
        store = redisStore;
      }
    }
    let registrations = choice.registrations;
    if (registrations === undefined) {
      if (redisUrl !== undefined) registrations = await RedisRegistrationStore.open({ url: redisUrl, keyPrefix });
      else if (choice.dataDir !== undefined) registrations = new SqliteRegistrationStore(join(choice.dataDir, REGISTRATIONS_DB_FILE));
      else registrations = new MemoryRegistrationStore();
      const opened = registrations;
      closers.push(() => opened.close());
    }
    return { store, registrations, close };
  } catch (error) {
    await close();
    throw error;
  }
}
