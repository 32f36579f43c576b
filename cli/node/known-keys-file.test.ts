import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { KnownKeysFile } from './known-keys-file';

describe('KnownKeysFile', () => {
  it('keeps keys by case-insensitive name across instances', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'shoal-known-'));
    await new KnownKeysFile(dataDir).remember('Ana', 'key-1');
    const reopened = new KnownKeysFile(dataDir);
    expect(await reopened.keyOf('ana')).toBe('key-1');
    expect(await reopened.keyOf('ben')).toBeUndefined();
    expect(JSON.parse(await readFile(path.join(dataDir, 'known-keys.json'), 'utf8'))).toEqual({ ana: 'key-1' });
  });
});
