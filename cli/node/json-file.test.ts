import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test-support/temp-dir';
import { JsonMapFile } from './json-file';

describe('JsonMapFile', () => {
  it('keeps values across instances, removes a key set to undefined, and writes plain JSON', async () => {
    const filePath = path.join(await tempDir('shoal-json-map-'), 'nested', 'settings.json');
    const file = new JsonMapFile(filePath);
    await file.set('limits', '{"uploadKiBps":5}');
    await file.set('name', 'ana');
    await file.set('name', undefined);

    const reopened = new JsonMapFile(filePath);
    expect(await reopened.get('limits')).toBe('{"uploadKiBps":5}');
    expect(await reopened.get('name')).toBeUndefined();
    expect(JSON.parse(await readFile(filePath, 'utf8'))).toEqual({ limits: '{"uploadKiBps":5}' });
  });

  it('reads a damaged file as empty and replaces it on the next change', async () => {
    const filePath = path.join(await tempDir('shoal-json-map-'), 'settings.json');
    await writeFile(filePath, '{"half": ');
    const file = new JsonMapFile(filePath);
    expect(await file.get('half')).toBeUndefined();
    await file.set('whole', 'yes');
    expect(JSON.parse(await readFile(filePath, 'utf8'))).toEqual({ whole: 'yes' });
  });
});
