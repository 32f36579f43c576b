/** A Content-Disposition header that saves as the file's name in every browser and tool, and
 * cannot be used to inject headers or paths: an ASCII fallback plus the RFC 5987 UTF-8 form. */
import { safeFileName } from '../node/safe-file-name';

export function attachmentDisposition(fileName: string): string {
  const name = safeFileName(fileName);
  const fallback = name.replace(/[^\x20-\x7e]|["\\%;]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
