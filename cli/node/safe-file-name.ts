/**
 * Makes a file name from an upload or another peer safe to create in a folder: one path segment,
 * no control or reserved characters, no Windows device name, at most 255 bytes; and resolves it
 * inside the folder, so nothing is ever written outside it.
 */
import path from 'node:path';

const NAME_MAX_BYTES = 255;
const FALLBACK_NAME = 'download';
/** Device names Windows reserves with any extension (CON.txt is still CON). */
const RESERVED_DEVICE_NAME = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;

export function safeFileName(untrusted: string): string {
  let name = untrusted
    .normalize('NFC')
    // Separators of every platform, so "a/../b" or "C:\x" cannot become a path.
    .replace(/[/\\]/g, '_')
    // Control characters, and characters Windows forbids in names.
    .replace(/[\u0000-\u001f\u007f-\u009f<>:"|?*]/g, '_')
    // Windows drops trailing dots and spaces; leading ones hide files or look like "..".
    .replace(/^[\s.]+|[\s.]+$/g, '');
  if (name === '') name = FALLBACK_NAME;
  if (RESERVED_DEVICE_NAME.test(name)) name = `_${name}`;
  return truncateUtf8(name, NAME_MAX_BYTES);
}

/** `dir/name` for a safe name; throws if the result would not be directly inside `dir`. */
export function pathInside(dir: string, name: string): string {
  const root = path.resolve(dir);
  const target = path.resolve(root, name);
  if (path.dirname(target) !== root) throw new Error(`'${name}' is not a plain file name`);
  return target;
}

/** "report.pdf" -> "report (1).pdf", "report (2).pdf", ...: a name to try when the first is taken. */
export function numberedName(name: string, copy: number): string {
  const extension = path.extname(name);
  const stem = extension === name ? name : name.slice(0, name.length - extension.length);
  return cutUtf8(`${stem} (${copy})`, NAME_MAX_BYTES - Buffer.byteLength(extension)) + extension;
}

/** Cuts to at most `maxBytes` of UTF-8, keeping a short extension. */
function truncateUtf8(name: string, maxBytes: number): string {
  if (Buffer.byteLength(name) <= maxBytes) return name;
  const extension = path.extname(name);
  const suffix = Buffer.byteLength(extension) <= 32 ? extension : '';
  return cutUtf8(name.slice(0, name.length - suffix.length), maxBytes - Buffer.byteLength(suffix)) + suffix;
}

/** The longest prefix of whole characters that fits in `maxBytes` of UTF-8. */
function cutUtf8(text: string, maxBytes: number): string {
  let bytes = 0;
  let end = 0;
  for (const character of text) {
    bytes += Buffer.byteLength(character);
    if (bytes > maxBytes) break;
    end += character.length;
  }
  return text.slice(0, end);
}
