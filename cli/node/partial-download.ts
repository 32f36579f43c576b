/**
 * A download in progress on disk: the partial file, written at chunk offsets as verified chunks
 * arrive, and a journal (one chunk index per line, appended after the chunk is written) of what it
 * holds. After a crash or kill -9 the journal is re-read and every chunk it lists is verified
 * again, so a torn write is fetched again rather than trusted.
 */
import { link, open, readFile, rename, rm, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { chunkCount, chunkRange } from '../../shared/content/chunking';
import { isChunkIntact } from '../../shared/engine';
import type { Manifest } from '../../shared/protocol/peer-messages';
import { numberedName } from './safe-file-name';

/** Marks a download in progress: `report.pdf.shoal-partial` becomes `report.pdf` when complete. */
export const PARTIAL_SUFFIX = '.shoal-partial';

export class PartialDownload {
  private readonly held = new Set<number>();

  private constructor(
    readonly partialPath: string,
    private readonly journalPath: string,
    private readonly manifest: Manifest,
    private readonly data: FileHandle,
    private journal: FileHandle,
  ) {}

  /** Opens (or creates) the partial file and its journal, keeping only chunks that still verify. */
  static async open(partialPath: string, journalPath: string, manifest: Manifest): Promise<PartialDownload> {
    const listed = await readJournal(journalPath);
    const data = await open(partialPath, 'a+').then(async (created) => {
      await created.close();
      return open(partialPath, 'r+');
    });
    const download = new PartialDownload(partialPath, journalPath, manifest, data, await open(journalPath, 'a'));
    for (const index of listed) {
      const bytes = await download.readRaw(index);
      if (bytes !== undefined && (await isChunkIntact(manifest, index, bytes))) download.held.add(index);
    }
    if (download.held.size !== listed.size) await download.rewriteJournal();
    return download;
  }

  get chunkCount(): number {
    return chunkCount(this.manifest.size, this.manifest.chunkSizeBytes);
  }

  get isComplete(): boolean {
    return this.held.size === this.chunkCount;
  }

  has(index: number): boolean {
    return this.held.has(index);
  }

  indices(): number[] {
    return [...this.held].sort((a, b) => a - b);
  }

  /** Writes a (verified) chunk at its offset, then records it: the journal never runs ahead of the data.
   * A chunk held already is written again (a damaged copy repaired), and journaled once. */
  async write(index: number, bytes: Uint8Array): Promise<void> {
    if (index >= this.chunkCount) return;
    const { start } = chunkRange(this.manifest.size, this.manifest.chunkSizeBytes, index);
    await this.data.write(bytes, 0, bytes.byteLength, start);
    if (this.held.has(index)) return;
    await this.journal.write(`${index}\n`);
    this.held.add(index);
  }

  async read(index: number): Promise<Uint8Array | undefined> {
    return this.held.has(index) ? this.readRaw(index) : undefined;
  }

  /** Moves the complete file to `finalPath` (or a numbered name beside it if that is taken),
   * never replacing an existing file; returns where it went. */
  async finish(finalPath: string): Promise<string> {
    await this.data.truncate(this.manifest.size);
    await this.close();
    const target = await moveWithoutReplacing(this.partialPath, finalPath);
    await rm(this.journalPath, { force: true });
    return target;
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.data.close(), this.journal.close()]);
  }

  /** Deletes the partial file and journal. */
  async remove(): Promise<void> {
    await this.close();
    await rm(this.partialPath, { force: true });
    await rm(this.journalPath, { force: true });
  }

  private async readRaw(index: number): Promise<Uint8Array | undefined> {
    const { start, end } = chunkRange(this.manifest.size, this.manifest.chunkSizeBytes, index);
    const bytes = Buffer.allocUnsafe(end - start);
    const { bytesRead } = await this.data.read(bytes, 0, bytes.byteLength, start);
    return bytesRead === bytes.byteLength ? bytes : undefined;
  }

  private async rewriteJournal(): Promise<void> {
    const temporary = `${this.journalPath}.tmp`;
    await rm(temporary, { force: true });
    const lines = this.indices().map((index) => `${index}\n`).join('');
    const handle = await open(temporary, 'w');
    await handle.writeFile(lines);
    await handle.close();
    await rename(temporary, this.journalPath);
    // The open append handle still points at the replaced file; appends must go to the new one.
    await this.journal.close();
    this.journal = await open(this.journalPath, 'a');
  }
}

async function readJournal(journalPath: string): Promise<Set<number>> {
  let text = '';
  try {
    text = await readFile(journalPath, 'utf8');
  } catch {
    return new Set();
  }
  const indices = new Set<number>();
  // A line cut short by a crash is not a whole number followed by a newline, so it is ignored.
  for (const match of text.matchAll(/^(\d+)\n/gm)) indices.add(Number(match[1]));
  return indices;
}

async function moveWithoutReplacing(from: string, to: string): Promise<string> {
  const dir = path.dirname(to);
  const name = path.basename(to);
  for (let copy = 0; ; copy += 1) {
    const target = copy === 0 ? to : path.join(dir, numberedName(name, copy));
    try {
      // link() fails if the target exists, which rename() would silently replace.
      await link(from, target);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw error;
    }
    await rm(from, { force: true });
    return target;
  }
}
