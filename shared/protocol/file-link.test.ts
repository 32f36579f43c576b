import { describe, expect, it } from 'vitest';
import { buildFileLink, isFileLinkFragment, looksLikeLink, parseFileLink, parseFileLinkFragment } from './file-link';
import { ShoalError } from './errors';

const contentId = 'ab'.repeat(32);

function badLinkMessage(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ShoalError);
    expect((error as ShoalError).code).toBe('BAD_REQUEST');
    return (error as ShoalError).message;
  }
  throw new Error('expected the link to be refused');
}

describe('file links', () => {
  it('builds a link on the app address with the content id, readable name and size', () => {
    const link = buildFileLink('https://shoal.example:8080/', { contentId, name: 'quarterly report.pdf', sizeBytes: 1234 });
    expect(link).toBe(`https://shoal.example:8080/#/file/${contentId}/quarterly%20report.pdf?size=1234`);
    expect(parseFileLink(link)).toEqual({ contentId, name: 'quarterly report.pdf', sizeBytes: 1234 });
  });

  it('drops the fragment the page was at and keeps its path', () => {
    const link = buildFileLink(`http://192.168.1.20:8080/app/#/file/${'cd'.repeat(32)}/old.txt`, { contentId, name: 'a.txt' });
    expect(link).toBe(`http://192.168.1.20:8080/app/#/file/${contentId}/a.txt`);
    expect(parseFileLink(link)).toEqual({ contentId, name: 'a.txt' });
  });

  it('round-trips hostile and unusual names unchanged', () => {
    const names = [
      '../../etc/passwd',
      'a/b\\c?d#e&f=g%20h',
      '<img src=x onerror=alert(1)>.html',
      'naïve résumé 日本語 🐟.txt',
      '?size=99',
      '%E0%A4%A',
      ' spaced  name ',
      'x'.repeat(255),
    ];
    for (const name of names) {
      const link = buildFileLink('https://h/', { contentId, name, sizeBytes: 7 });
      // Nothing in the name can end the fragment early or break the link when pasted in text.
      expect(link.slice('https://h/#'.length)).not.toMatch(/[\s#]/);
      expect(parseFileLink(link), name).toEqual({ contentId, name, sizeBytes: 7 });
    }
  });

  it('reads a fragment as location.hash gives it, and a pasted link with spaces around it', () => {
    expect(parseFileLinkFragment(`#/file/${contentId}/r%C3%A9sum%C3%A9.pdf`)).toEqual({ contentId, name: 'résumé.pdf' });
    expect(parseFileLink(`  https://h/#/file/${contentId.toUpperCase()}/a.txt?size=0\n`)).toEqual({ contentId, name: 'a.txt', sizeBytes: 0 });
  });

  it('refuses bad links with a message saying what is wrong', () => {
    expect(badLinkMessage(() => parseFileLink('not a link'))).toMatch(/not a web address/);
    expect(badLinkMessage(() => parseFileLink('https://h/#/search/x'))).toMatch(/#\/file\//);
    expect(badLinkMessage(() => parseFileLink('https://h/#/file/1234/a.txt'))).toMatch(/content id is 64 lowercase hex/);
    expect(badLinkMessage(() => parseFileLink(`https://h/#/file/${contentId}`))).toMatch(/no file name/);
    expect(badLinkMessage(() => parseFileLink(`https://h/#/file/${contentId}/`))).toMatch(/no file name/);
    expect(badLinkMessage(() => parseFileLink(`https://h/#/file/${contentId}/%E0%A4%A`))).toMatch(/percent-encoding/);
    expect(badLinkMessage(() => parseFileLink(`https://h/#/file/${contentId}/a?size=-1`))).toMatch(/whole number/);
    expect(badLinkMessage(() => parseFileLink(`https://h/#/file/${contentId}/a?size=1e9`))).toMatch(/whole number/);
    expect(badLinkMessage(() => parseFileLink(`https://h/#/file/${contentId}/${'x'.repeat(256)}`))).toMatch(/longer than 255/);
  });

  it('tells a file-link fragment and a link argument apart from other input', () => {
    expect(isFileLinkFragment(`#/file/${contentId}/a`)).toBe(true);
    expect(isFileLinkFragment('')).toBe(false);
    expect(looksLikeLink(`http://localhost:8080/#/file/${contentId}/a`)).toBe(true);
    expect(looksLikeLink(contentId)).toBe(false);
    expect(looksLikeLink('quarterly report.pdf')).toBe(false);
    expect(looksLikeLink('notes: http.txt')).toBe(false);
  });

  it('refuses to build a link for something that is not a file', () => {
    expect(() => buildFileLink('https://h/', { contentId: 'nope', name: 'a' })).toThrow();
    expect(() => buildFileLink('https://h/', { contentId, name: '' })).toThrow();
  });
});
