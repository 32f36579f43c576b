import { describe, expect, it } from 'vitest';
import { TrigramIndex } from './trigram-index';

/** A tiny slot table standing in for the file index: slot -> names. */
function indexWith(namesBySlot: Map<number, string[]>): TrigramIndex {
  return new TrigramIndex((slot, words) => (namesBySlot.get(slot) ?? []).some((name) => words.every((word) => name.toLowerCase().includes(word))));
}

function sortedCandidates(index: TrigramIndex, words: string[]): number[] | undefined {
  const candidates = index.candidates(words);
  return candidates === undefined ? undefined : [...new Set(Array.from(candidates))].sort((a, b) => a - b);
}

describe('TrigramIndex', () => {
  it('offers every slot whose names hold all trigrams of the words, whatever the case', () => {
    const names = new Map([[0, ['Holiday Photos.zip']], [1, ['photos of cats']], [2, ['report.pdf']]]);
    const index = indexWith(names);
    for (const [slot, slotNames] of names) for (const name of slotNames) index.addName(slot, name);
    expect(sortedCandidates(index, ['photo'])).toEqual([0, 1]);
    expect(sortedCandidates(index, ['photo', 'holi'])).toEqual([0]);
    expect(sortedCandidates(index, ['missing'])).toEqual([]);
  });

  it('offers a slot once even when a posting holds it twice', () => {
    const index = indexWith(new Map([[0, ['photo', 'photos']]]));
    index.addName(0, 'photo');
    index.addName(0, 'photos');
    expect(Array.from(index.candidates(['photo'])!)).toEqual([0]);
  });

  it('cannot narrow words shorter than a trigram, so asks for a scan', () => {
    const index = indexWith(new Map());
    index.addName(0, 'ab');
    expect(index.candidates(['ab', 'c'])).toBeUndefined();
  });

  it('compacts a posting once names leave it, keeping slots that still hold the trigram', () => {
    const names = new Map<number, string[]>();
    const index = indexWith(names);
    for (let slot = 0; slot < 8; slot += 1) {
      names.set(slot, [`song ${slot}`]);
      index.addName(slot, `song ${slot}`);
    }
    for (let slot = 0; slot < 6; slot += 1) {
      names.delete(slot);
      index.removeName(`song ${slot}`);
    }
    expect(sortedCandidates(index, ['song'])).toEqual([6, 7]);
    // "son", "ong", "ng " keep slots 6 and 7; "g 6" and "g 7" one each; "g 0".."g 5" are gone.
    expect(index.size()).toEqual({ grams: 5, entries: 8 });
  });
});
