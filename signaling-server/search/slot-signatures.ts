/**
 * One 32-bit character signature per group slot, for queries whose words are all too short for a
 * trigram: a bit per letter a-z and six bits shared by every other character. A name can only hold
 * a word if its signature holds the word's bits, and reading a million signatures from one typed
 * array takes about a millisecond, where checking a million names took hundreds: the scan passes
 * only the groups worth checking.
 */

/** The bit standing for one (lowercase) UTF-16 code unit. */
function bitOf(unit: number): number {
  if (unit >= 97 && unit <= 122) return 1 << (unit - 97);
  return 1 << (26 + (unit % 6));
}

/** The bits of every character of every text, lowercased as the search rule does. */
export function signatureOf(texts: readonly string[]): number {
  let signature = 0;
  for (const text of texts) {
    const lowerText = text.toLowerCase();
    for (let index = 0; index < lowerText.length; index += 1) signature |= bitOf(lowerText.charCodeAt(index));
  }
  return signature;
}

export class SlotSignatures {
  private signatures = new Int32Array(1024);
  private highestSlot = -1;

  set(slot: number, signature: number): void {
    if (slot >= this.signatures.length) {
      const grown = new Int32Array(Math.max(slot + 1, this.signatures.length * 2));
      grown.set(this.signatures);
      this.signatures = grown;
    }
    this.signatures[slot] = signature;
    if (slot > this.highestSlot) this.highestSlot = slot;
  }

  /** Calls `visit` with each slot whose signature holds every bit of `needed`. */
  forEachHolding(needed: number, visit: (slot: number) => void): void {
    const { signatures } = this;
    for (let slot = 0; slot <= this.highestSlot; slot += 1) if ((signatures[slot]! & needed) === needed) visit(slot);
  }
}
