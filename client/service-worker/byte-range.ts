/**
 * Reads an HTTP Range header (RFC 9110 §14) for a file of known size: the one range a media
 * element asks for (`bytes=a-`, `bytes=a-b`, `bytes=-n`), the whole file when there is no header or
 * one we choose to ignore (several ranges, another unit), or unsatisfiable (416).
 */

export type ByteRangeAnswer =
  | { kind: 'whole' }
  /** Inclusive at both ends, as Content-Range writes it. */
  | { kind: 'range'; start: number; end: number }
  | { kind: 'unsatisfiable' };

const SINGLE_RANGE = /^bytes=(\d*)-(\d*)$/;

export function parseByteRange(header: string | null, sizeBytes: number): ByteRangeAnswer {
  if (header === null) return { kind: 'whole' };
  const spec = header.replace(/\s+/g, '');
  // A server may ignore a Range it does not support (another unit, several ranges) and send it all.
  if (!spec.startsWith('bytes=') || spec.includes(',')) return { kind: 'whole' };
  const match = SINGLE_RANGE.exec(spec);
  if (match === null) return { kind: 'unsatisfiable' };
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return { kind: 'unsatisfiable' };
  if (first === '') {
    // A suffix: the last n bytes (all of them when n is larger than the file).
    const length = Number(last);
    if (length === 0 || sizeBytes === 0) return { kind: 'unsatisfiable' };
    return { kind: 'range', start: Math.max(0, sizeBytes - length), end: sizeBytes - 1 };
  }
  const start = Number(first);
  if (!Number.isSafeInteger(start) || start >= sizeBytes) return { kind: 'unsatisfiable' };
  if (last === '') return { kind: 'range', start, end: sizeBytes - 1 };
  const requestedEnd = Number(last);
  if (requestedEnd < start) return { kind: 'unsatisfiable' };
  return { kind: 'range', start, end: Math.min(requestedEnd, sizeBytes - 1) };
}
