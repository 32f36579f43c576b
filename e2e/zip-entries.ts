/**
 * Reads the entries of a ZIP the app saved, for checking them byte for byte. client-zip writes
 * entries uncompressed ("stored"), so each file's bytes lie as they are after its local header;
 * the central directory at the end says where. ZIP64 extra fields are read when a size or offset
 * does not fit in 32 bits. Only what the tests need: no compression, no encryption.
 */
import { readFile } from 'node:fs/promises';

export interface ZipEntry {
  name: string;
  bytes: Buffer;
}

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const ZIP64_END_LOCATOR = 0x07064b50;
const CENTRAL_HEADER = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;

export async function zipEntries(zipPath: string): Promise<ZipEntry[]> {
  const zip = await readFile(zipPath);
  let end = zip.length - 22;
  while (end >= 0 && zip.readUInt32LE(end) !== END_OF_CENTRAL_DIRECTORY) end -= 1;
  if (end < 0) throw new Error('Not a ZIP: no end of central directory');
  let count = zip.readUInt16LE(end + 10);
  let offset = zip.readUInt32LE(end + 16);
  if (end >= 20 && zip.readUInt32LE(end - 20) === ZIP64_END_LOCATOR) {
    const zip64End = Number(zip.readBigUInt64LE(end - 20 + 8));
    count = Number(zip.readBigUInt64LE(zip64End + 32));
    offset = Number(zip.readBigUInt64LE(zip64End + 48));
  }
  const entries: ZipEntry[] = [];
  for (let index = 0; index < count; index += 1) {
    if (zip.readUInt32LE(offset) !== CENTRAL_HEADER) throw new Error(`Bad central directory entry ${index}`);
    const method = zip.readUInt16LE(offset + 10);
    let size = zip.readUInt32LE(offset + 20);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    let localOffset = zip.readUInt32LE(offset + 42);
    const name = zip.toString('utf8', offset + 46, offset + 46 + nameLength);
    // ZIP64 extra field (id 1): the 64-bit values, in order, of those set to 0xffffffff above.
    let extra = offset + 46 + nameLength;
    const extraEnd = extra + extraLength;
    while (extra + 4 <= extraEnd) {
      const id = zip.readUInt16LE(extra);
      const length = zip.readUInt16LE(extra + 2);
      if (id === 1) {
        let field = extra + 4;
        if (zip.readUInt32LE(offset + 24) === 0xffffffff) field += 8;
        if (size === 0xffffffff) {
          size = Number(zip.readBigUInt64LE(field));
          field += 8;
        }
        if (localOffset === 0xffffffff) localOffset = Number(zip.readBigUInt64LE(field));
      }
      extra += 4 + length;
    }
    if (method !== 0) throw new Error(`'${name}' is compressed (method ${method}); expected stored`);
    if (zip.readUInt32LE(localOffset) !== LOCAL_HEADER) throw new Error(`Bad local header for '${name}'`);
    const dataStart = localOffset + 30 + zip.readUInt16LE(localOffset + 26) + zip.readUInt16LE(localOffset + 28);
    entries.push({ name, bytes: zip.subarray(dataStart, dataStart + size) });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}
