import { describe, expect, it } from 'vitest';
import { attachmentDisposition } from './content-disposition';

describe('attachmentDisposition', () => {
  it('cannot be used to inject headers, quotes or paths', () => {
    const header = attachmentDisposition('../../etc/"evil"\r\nSet-Cookie: x=1.txt');
    expect(header).not.toMatch(/[\r\n]/);
    expect(header.startsWith('attachment; filename="')).toBe(true);
    const fallback = /filename="([^"]*)"/.exec(header)?.[1] ?? '';
    expect(fallback).not.toContain('/');
    expect(fallback).not.toContain('"');
  });

  it('keeps non-ASCII names in the UTF-8 form', () => {
    expect(attachmentDisposition('résumé.pdf')).toContain("filename*=UTF-8''r%C3%A9sum%C3%A9.pdf");
  });
});
