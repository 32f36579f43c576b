/**
 * Links to a file: the app's address plus a fragment naming the content id, and the file name and
 * size for people reading it, e.g. `https://host:8080/#/file/<contentId>/report.pdf?size=1024`.
 * A fragment, not a path: the tracker's static site and the service worker's cached shell answer
 * the bare page whatever follows `#`, and the fragment never reaches the server's logs.
 * Only the content id is trusted for anything: name and size are what the sharer's app showed.
 */
import { z } from 'zod';
import { ShoalError } from './errors';
import { FILE_NAME_MAX_CHARS } from './limits';
import { contentIdSchema } from './tracker-messages';

export const FILE_LINK_FRAGMENT_PREFIX = '#/file/';

const fileLinkSchema = z.object({
  contentId: contentIdSchema,
  name: z
    .string()
    .min(1, 'The link has no file name')
    .max(FILE_NAME_MAX_CHARS, `The file name in the link is longer than ${FILE_NAME_MAX_CHARS} characters`),
  sizeBytes: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
});

export type FileLink = z.infer<typeof fileLinkSchema>;

/** The link to a file, from the address the app is served at (any fragment of it is dropped). */
export function buildFileLink(appUrl: string, file: { contentId: string; name: string; sizeBytes?: number }): string {
  const link = fileLinkSchema.parse(file);
  const base = new URL(appUrl);
  base.hash = '';
  const size = link.sizeBytes === undefined ? '' : `?size=${link.sizeBytes}`;
  return `${base.href}${FILE_LINK_FRAGMENT_PREFIX}${link.contentId}/${encodeURIComponent(link.name)}${size}`;
}

/** Whether a fragment (`location.hash`) is meant as a file link, well formed or not. */
export function isFileLinkFragment(hash: string): boolean {
  return hash.startsWith(FILE_LINK_FRAGMENT_PREFIX);
}

/** Reads a fragment such as `#/file/<id>/<name>?size=<bytes>`; a bad one fails with BAD_REQUEST saying what is wrong. */
export function parseFileLinkFragment(hash: string): FileLink {
  if (!isFileLinkFragment(hash)) {
    throw badLink(`A Shoal file link has '${FILE_LINK_FRAGMENT_PREFIX}' after the address`);
  }
  const rest = hash.slice(FILE_LINK_FRAGMENT_PREFIX.length);
  const [pathPart = '', query = ''] = splitOnce(rest, '?');
  const [contentId = '', encodedName = ''] = splitOnce(pathPart, '/');
  let name: string;
  try {
    name = decodeURIComponent(encodedName);
  } catch {
    throw badLink('The file name in the link is not valid percent-encoding');
  }
  const sizeText = new URLSearchParams(query).get('size');
  if (sizeText !== null && !/^\d{1,16}$/.test(sizeText)) throw badLink('The size in the link is not a whole number of bytes');
  const parsed = fileLinkSchema.safeParse({
    contentId: contentId.toLowerCase(),
    name,
    ...(sizeText !== null ? { sizeBytes: Number(sizeText) } : {}),
  });
  if (!parsed.success) throw badLink(parsed.error.issues.map((issue) => issue.message).join('; '));
  return parsed.data;
}

/** Reads a whole link (what a person pastes); a bad one fails with BAD_REQUEST saying what is wrong. */
export function parseFileLink(text: string): FileLink {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw badLink('This is not a web address');
  }
  return parseFileLinkFragment(url.hash);
}

/** Whether a command-line argument looks like a link rather than a content id or a file name. */
export function looksLikeLink(text: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(text.trim());
}

function splitOnce(text: string, separator: string): [string, string] {
  const at = text.indexOf(separator);
  return at === -1 ? [text, ''] : [text.slice(0, at), text.slice(at + 1)];
}

function badLink(reason: string): ShoalError {
  return new ShoalError('BAD_REQUEST', `Not a valid Shoal file link: ${reason}`);
}
