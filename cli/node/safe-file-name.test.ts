import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { numberedName, pathInside, safeFileName } from './safe-file-name';

describe('safe file names', () => {
  it('keeps an ordinary name as it is', () => {
    expect(safeFileName('quarterly report.pdf')).toBe('quarterly report.pdf');
    expect(safeFileName('Ünïcödé 文件.txt')).toBe('Ünïcödé 文件.txt');
  });

  it('turns path separators and traversal into a single plain name', () => {
    for (const hostile of ['../../etc/passwd', '..\\..\\boot.ini', '/etc/shadow', 'C:\\Windows\\x.dll', 'a/../../b']) {
      const name = safeFileName(hostile);
      expect(name).not.toMatch(/[/\\]/);
      expect(name.startsWith('.')).toBe(false);
      expect(path.dirname(pathInside('/srv/shared', name))).toBe('/srv/shared');
    }
    expect(safeFileName('..')).toBe('download');
    expect(safeFileName('.')).toBe('download');
    expect(safeFileName('')).toBe('download');
  });

  it('removes control characters and characters Windows forbids', () => {
    expect(safeFileName('bad\u0000name\n\u001b[31m.txt')).toBe('bad_name__[31m.txt');
    expect(safeFileName('what?<>:"|*.txt')).toBe('what_______.txt');
  });

  it('renames Windows device names, with or without an extension', () => {
    expect(safeFileName('CON')).toBe('_CON');
    expect(safeFileName('nul.txt')).toBe('_nul.txt');
    expect(safeFileName('com1.tar.gz')).toBe('_com1.tar.gz');
    expect(safeFileName('console.txt')).toBe('console.txt');
  });

  it('drops trailing dots and spaces, which Windows would strip itself', () => {
    expect(safeFileName('report.pdf. . ')).toBe('report.pdf');
  });

  it('shortens long names to 255 bytes of UTF-8, keeping the extension and whole characters', () => {
    const long = `${'é'.repeat(300)}.pdf`;
    const name = safeFileName(long);
    expect(Buffer.byteLength(name)).toBeLessThanOrEqual(255);
    expect(name.endsWith('.pdf')).toBe(true);
    expect(name).not.toContain('\ufffd');
  });

  it('numbers a taken name before its extension', () => {
    expect(numberedName('report.pdf', 1)).toBe('report (1).pdf');
    expect(numberedName('README', 2)).toBe('README (2)');
  });

  it('refuses a name that would resolve outside the folder', () => {
    expect(() => pathInside('/srv/shared', '../x')).toThrow();
    expect(() => pathInside('/srv/shared', 'sub/x')).toThrow();
  });
});
