import { describe, expect, it } from 'vitest';
import type { SearchResult } from '../../shared/protocol/tracker-messages';
import { describeResults } from './search';

const holder = { id: 'a'.repeat(16), name: 'ana' };
const result = (fields: Partial<SearchResult>): SearchResult => ({
  contentId: 'c'.repeat(64),
  name: 'report.pdf',
  size: 3_158_016,
  mimeType: 'application/pdf',
  chunkSizeBytes: 262_144,
  holders: [holder],
  ...fields,
});

describe('describeResults', () => {
  it("shows a file's size, and a folder's file count and total size instead of its manifest's size", () => {
    const text = describeResults(
      [
        result({}),
        result({ name: 'Summer trip', size: 2_048, mimeType: 'application/vnd.shoal.folder+json', fileCount: 3, totalSize: 7_340_032 }),
        result({ name: 'Old share', size: 900, mimeType: 'application/vnd.shoal.folder+json', fileCount: 1 }),
      ],
      '',
    );
    expect(text.split('\n')).toEqual([
      `1. report.pdf  3.0 MiB  1 peer  ${'c'.repeat(12)}`,
      `2. Summer trip  folder of 3 files, 7.0 MiB  1 peer  ${'c'.repeat(12)}`,
      `3. Old share  folder of 1 file  1 peer  ${'c'.repeat(12)}`,
      '',
    ]);
  });
});
