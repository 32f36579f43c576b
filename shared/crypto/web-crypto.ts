/**
 * Whether WebCrypto's SubtleCrypto is here. Node always has it; browsers offer it only on secure
 * pages (https:// and localhost), so a page opened over plain http:// from another machine has
 * crypto.getRandomValues but no crypto.subtle, and hashing and signing fall back to @noble.
 */

/** SubtleCrypto, or undefined on an insecure page (the DOM types claim it is always there). */
export function subtleCrypto(): SubtleCrypto | undefined {
  return (globalThis.crypto as Partial<Crypto> | undefined)?.subtle;
}

export function hasWebCrypto(): boolean {
  return subtleCrypto() !== undefined;
}
