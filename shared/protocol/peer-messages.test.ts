import { describe, expect, it } from 'vitest';
import {
  BLOCK_BYTES,
  decodeBlockFrame,
  encodeBlockFrame,
  encodeControlFrame,
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
