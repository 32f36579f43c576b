/**
 * Receives the files of a multipart upload into the shared folder, all or nothing: each part is
 * streamed to a hidden temporary file, and only when every part arrived whole are they moved to
 * their (safe, unique) names. A failure part way removes every temporary file.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { link, mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { MultipartFile, Multipart } from '@fastify/multipart';
import { ShoalError } from '../../shared/protocol/errors';
import { freeFilePath } from '../node/free-path';
import { safeFileName } from '../node/safe-file-name';

interface ReceivedFile {
  name: string;
  temporaryPath: string;
}

/** `fileMaxBytes` is the limit the parts were read under (a part over it arrives truncated). */
export async function receiveUploads(parts: AsyncIterable<Multipart>, sharedDir: string, fileMaxBytes: number): Promise<string[]> {
  await mkdir(sharedDir, { recursive: true });
  const received: ReceivedFile[] = [];
  try {
    for await (const part of parts) {
      if (part.type !== 'file') continue;
      await receiveFile(part, sharedDir, received, fileMaxBytes);
    }
    if (received.length === 0) {
      throw new ShoalError('BAD_REQUEST', 'Send one or more files as multipart/form-data file parts');
    }
    return await moveIntoPlace(received, sharedDir);
  } finally {
    await Promise.all(received.map((file) => rm(file.temporaryPath, { force: true })));
  }
}

/** Streams one part to a temporary file, listed in `received` (so it is cleaned up) before any byte is written. */
async function receiveFile(part: MultipartFile, sharedDir: string, received: ReceivedFile[], fileMaxBytes: number): Promise<void> {
  if (!part.filename) {
    part.file.resume();
    throw new ShoalError('BAD_REQUEST', `The file part '${part.fieldname}' has no file name`);
  }
  const file = { name: safeFileName(part.filename), temporaryPath: path.join(sharedDir, `.shoal-upload-${randomBytes(6).toString('hex')}`) };
  received.push(file);
  await pipeline(part.file, createWriteStream(file.temporaryPath, { flags: 'wx' }));
  if (part.file.truncated) {
    throw new ShoalError('QUOTA_EXCEEDED', `'${file.name}' is larger than this peer accepts`, { fileName: file.name, limitBytes: fileMaxBytes });
  }
}

/** Links each file to its final name (never replacing one), undoing them all if one fails. */
async function moveIntoPlace(received: ReceivedFile[], sharedDir: string): Promise<string[]> {
  const placed: string[] = [];
  try {
    for (const file of received) {
      for (;;) {
        const target = await freeFilePath(sharedDir, file.name);
        try {
          await link(file.temporaryPath, target);
          placed.push(target);
          break;
        } catch (error) {
          // Another upload took the name between the check and the link: pick the next one.
          if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        }
      }
    }
    return placed;
  } catch (error) {
    await Promise.all(placed.map((target) => rm(target, { force: true })));
    throw error;
  }
}
