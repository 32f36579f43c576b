import { describe, expect, it } from 'vitest';
import { buildFolderManifest, decodeFolderManifest, encodeFolderManifest, folderAnnouncementOf, isSafeRelativePath } from './folder-manifest';

const ID = 'a'.repeat(64);
const entry = (path: string) => ({ path, contentId: ID, size: 1, mimeType: 'text/plain' });

describe('folder manifest', () => {
  it('accepts nested relative paths and round-trips through bytes', () => {
    const manifest = buildFolderManifest('photos', [entry('b/c/d.txt'), entry('a.txt'), entry('b/é ü (1).txt')]);
    expect(manifest.entries.map((e) => e.path)).toEqual(['a.txt', 'b/c/d.txt', 'b/é ü (1).txt']);
    expect(decodeFolderManifest(encodeFolderManifest(manifest))).toEqual(manifest);
    expect(folderAnnouncementOf(manifest)).toEqual({ fileCount: 3, totalSize: 3, innerNames: ['a.txt', 'd.txt', 'é ü (1).txt'] });
  });

  it.each([
    '',
    '/etc/passwd',
    '../up.txt',
    'a/../../up.txt',
    'a/./b',
    'a//b',
    'a/',
    'C:/windows',
    'a\\..\\b',
    'bad\u0000name',
    'x'.repeat(300),
  ])('refuses the hostile path %j', (path) => {
    expect(isSafeRelativePath(path)).toBe(false);
    expect(() => buildFolderManifest('f', [entry(path)])).toThrow();
  });

  it('refuses duplicate paths, a path that is both file and folder, and an unsafe folder name', () => {
    expect(() => buildFolderManifest('f', [entry('a.txt'), entry('a.txt')])).toThrow();
    expect(() => buildFolderManifest('f', [entry('a'), entry('a/b.txt')])).toThrow();
    expect(() => buildFolderManifest('..', [entry('a.txt')])).toThrow();
    expect(() => buildFolderManifest('a/b', [entry('a.txt')])).toThrow();
  });

  it('refuses bytes that are not a folder manifest with a readable message', () => {
    expect(() => decodeFolderManifest(new TextEncoder().encode('not json'))).toThrow('not JSON');
    expect(() => decodeFolderManifest(new TextEncoder().encode('{"kind":"shoal-folder","version":1,"name":"f","entries":[]}'))).toThrow(
      'not valid',
    );
  });
});
