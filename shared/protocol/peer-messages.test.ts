import { describe, expect, it } from 'vitest';
import { MAX_CHUNKS_PER_FILE } from '../content/chunking';
import {
  BLOCK_BYTES,
  decodeBlockFrame,
  decodeHaveBitfield,
  encodeBlockFrame,
  encodeControlFrame,
  encodeHaveBitfield,
  HAVE_BITFIELD_MAX_BYTES,
  HAVE_CHUNKS_MAX,
  parseControlFrame,
  CONTROL_FRAME_MAX_BYTES,
} from './peer-messages';

const contentId = 'b'.repeat(64);

describe('block frames', () => {
  it('round-trip request id, offset and payload', () => {
    const payload = crypto.getRandomValues(new Uint8Array(BLOCK_BYTES));
    const block = decodeBlockFrame(encodeBlockFrame(0xfffffffe, 3 * BLOCK_BYTES, payload));
    expect(block?.requestId).toBe(0xfffffffe);
    expect(block?.offset).toBe(3 * BLOCK_BYTES);
    expect(block?.payload).toEqual(payload);
  });

  it('rejects frames that are too short, too long or of another kind', () => {
    expect(decodeBlockFrame(new Uint8Array(4))).toBeUndefined();
    expect(decodeBlockFrame(encodeBlockFrame(1, 0, new Uint8Array(BLOCK_BYTES + 1)))).toBeUndefined();
    const wrongKind = encodeBlockFrame(1, 0, new Uint8Array(8));
    wrongKind[0] = 9;
    expect(decodeBlockFrame(wrongKind)).toBeUndefined();
  });
});

describe('control frames', () => {
  it('round-trip a chunk request', () => {
    const message = { t: 'chunk-request', requestId: 7, contentId, index: 3 } as const;
    expect(parseControlFrame(encodeControlFrame(message))).toEqual(message);
  });

  it('ignore malformed JSON, unknown kinds, bad fields and oversized frames', () => {
    expect(parseControlFrame('{not json')).toBeUndefined();
    expect(parseControlFrame(JSON.stringify({ t: 'launch-missiles', requestId: 1 }))).toBeUndefined();
    expect(parseControlFrame(JSON.stringify({ t: 'chunk-request', requestId: -1, contentId, index: 0 }))).toBeUndefined();
    expect(parseControlFrame(' '.repeat(CONTROL_FRAME_MAX_BYTES + 1))).toBeUndefined();
  });
});

describe('have messages', () => {
  it('round-trip a have-request, a have and a have-chunk', () => {
    const messages = [
      { t: 'have-request', requestId: 4, contentId },
      { t: 'have', requestId: 4, contentId, bitfield: encodeHaveBitfield([0, 9], 10) },
      { t: 'have-chunk', contentId, index: 1023 },
    ] as const;
    for (const message of messages) expect(parseControlFrame(encodeControlFrame(message))).toEqual(message);
  });

  it('refuse a bitfield that is too long or not base64, and a have-chunk past the last possible chunk', () => {
    const tooLong = btoa(String.fromCharCode(...new Uint8Array(HAVE_BITFIELD_MAX_BYTES + 1)));
    expect(parseControlFrame(JSON.stringify({ t: 'have', requestId: 1, contentId, bitfield: tooLong }))).toBeUndefined();
    expect(parseControlFrame(JSON.stringify({ t: 'have', requestId: 1, contentId, bitfield: 'not base64!' }))).toBeUndefined();
    expect(parseControlFrame(JSON.stringify({ t: 'have-chunk', contentId, index: HAVE_CHUNKS_MAX }))).toBeUndefined();
  });

  it('describe every chunk a file may have, one bit each', () => {
    expect(HAVE_CHUNKS_MAX).toBe(MAX_CHUNKS_PER_FILE);
    const all = [...Array(HAVE_CHUNKS_MAX).keys()];
    const bitfield = encodeHaveBitfield(all, HAVE_CHUNKS_MAX);
    expect(atob(bitfield)).toHaveLength(HAVE_BITFIELD_MAX_BYTES);
    expect(parseControlFrame(JSON.stringify({ t: 'have', requestId: 1, contentId, bitfield }))).toBeDefined();
    expect(decodeHaveBitfield(bitfield, HAVE_CHUNKS_MAX)).toEqual(all);
  });

  it('encode bits most significant first and ignore indices outside the file', () => {
    const bitfield = encodeHaveBitfield([0, 7, 8, 12, 13, -1, 2.5], 13);
    expect([...atob(bitfield)].map((char) => char.charCodeAt(0))).toEqual([0b1000_0001, 0b1000_1000]);
    expect(decodeHaveBitfield(bitfield, 13)).toEqual([0, 7, 8, 12]);
    expect(decodeHaveBitfield(bitfield, 8)).toEqual([0, 7]);
    expect(decodeHaveBitfield(encodeHaveBitfield([1], 2), 100)).toEqual([1]);
    expect(decodeHaveBitfield('', 10)).toEqual([]);
  });
});
