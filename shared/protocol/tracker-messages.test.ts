import { describe, expect, it } from 'vitest';
import {
  announceRequestSchema,
  joinRequestSchema,
  searchRequestSchema,
  signalRequestSchema,
} from './tracker-messages';

const contentId = 'a'.repeat(64);

describe('joinRequestSchema', () => {
  const proof = { publicKey: 'A'.repeat(88), signature: 'B'.repeat(88) };

  it('trims the display name and accepts 1 to 40 characters', () => {
    expect(joinRequestSchema.parse({ name: '  ana  ', ...proof }).name).toBe('ana');
    expect(joinRequestSchema.safeParse({ name: 'x'.repeat(40), ...proof }).success).toBe(true);
  });

  it('refuses blank and over-long names with a message a person can act on', () => {
    const blank = joinRequestSchema.safeParse({ name: '   ', ...proof });
    expect(blank.success).toBe(false);
    expect(blank.error?.issues[0]?.message).toBe('Enter a display name');
    const long = joinRequestSchema.safeParse({ name: 'x'.repeat(41), ...proof });
    expect(long.error?.issues[0]?.message).toContain('at most 40 characters');
  });

  it('needs a public key and a signature', () => {
    expect(joinRequestSchema.safeParse({ name: 'ana' }).success).toBe(false);
    expect(joinRequestSchema.safeParse({ name: 'ana', publicKey: proof.publicKey }).success).toBe(false);
  });
});

describe('announceRequestSchema', () => {
  const file = { contentId, name: 'report.pdf', size: 10, mimeType: 'application/pdf', chunkSizeBytes: 262_144 };

  it('accepts a well-formed file and fills in a missing MIME type', () => {
    const { mimeType, ...withoutType } = file;
    expect(mimeType).toBe('application/pdf');
    expect(announceRequestSchema.parse({ files: [withoutType] }).files[0]?.mimeType).toBe('application/octet-stream');
  });

  it('refuses bad content ids, negative sizes and control characters in names', () => {
    expect(announceRequestSchema.safeParse({ files: [{ ...file, contentId: 'XYZ' }] }).success).toBe(false);
    expect(announceRequestSchema.safeParse({ files: [{ ...file, size: -1 }] }).success).toBe(false);
    expect(announceRequestSchema.safeParse({ files: [{ ...file, name: 'a\u0000b' }] }).success).toBe(false);
    expect(announceRequestSchema.safeParse({ files: [] }).success).toBe(false);
  });
});

describe('searchRequestSchema', () => {
  it('defaults to a blank query from the first result', () => {
    expect(searchRequestSchema.parse({})).toEqual({ query: '', offset: 0 });
  });

  it('refuses over-long queries and limits out of range', () => {
    expect(searchRequestSchema.safeParse({ query: 'q'.repeat(201) }).success).toBe(false);
    expect(searchRequestSchema.safeParse({ query: '', limit: 0 }).success).toBe(false);
    expect(searchRequestSchema.safeParse({ query: '', limit: 501 }).success).toBe(false);
  });
});

describe('signalRequestSchema', () => {
  it('keeps simple-peer payload fields it does not know', () => {
    const parsed = signalRequestSchema.parse({ to: 'p1', connectionId: 'c1', data: { type: 'offer', sdp: 'v=0', extra: 1 } });
    expect(parsed.data).toEqual({ type: 'offer', sdp: 'v=0', extra: 1 });
  });

  it('refuses a signal without a target or connection id', () => {
    expect(signalRequestSchema.safeParse({ connectionId: 'c1', data: {} }).success).toBe(false);
    expect(signalRequestSchema.safeParse({ to: 'p1', data: {} }).success).toBe(false);
  });
});
