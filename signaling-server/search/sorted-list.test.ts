import { describe, expect, it } from 'vitest';
import { SortedList } from './sorted-list';
import type { Sortable } from './sorted-list';

interface Item extends Sortable<Item> {
  value: number;
}

const items = Array.from({ length: 200 }, (_, value): Item => ({ value, sortedBlock: undefined }));
const byValue = (a: Item, b: Item): number => a.value - b.value;
const valuesOf = (list: SortedList<Item>, offset = 0, limit = 1000): number[] => list.slice(offset, limit).map((item) => item.value);

function listOf(values: number[]): SortedList<Item> {
  const list = new SortedList(byValue, 4);
  for (const value of values) list.insert({ value, sortedBlock: undefined });
  return list;
}

describe('SortedList', () => {
  it('keeps random inserts and removals in order across block splits and empty blocks', () => {
    const list = new SortedList(byValue, 4);
    const expected = new Set<number>();
    let state = 17;
    for (let step = 0; step < 3000; step += 1) {
      state = (state * 48271) % 2147483647;
      const item = items[state % items.length]!;
      if (expected.has(item.value)) {
        expect(list.remove(item)).toBe(true);
        expected.delete(item.value);
      } else {
        list.insert(item);
        expected.add(item.value);
      }
      if (step % 100 === 0) expect(valuesOf(list)).toEqual([...expected].sort((a, b) => a - b));
    }
    expect(list.size).toBe(expected.size);
    expect(list.remove({ value: 1000, sortedBlock: undefined })).toBe(false);
  });

  it('pages from any offset, skipping whole blocks', () => {
    const list = listOf([9, 3, 7, 1, 5, 8, 2, 6, 4, 0]);
    expect(valuesOf(list, 5, 3)).toEqual([5, 6, 7]);
    expect(valuesOf(list, 8, 10)).toEqual([8, 9]);
    expect(valuesOf(list, 10, 10)).toEqual([]);
  });

  it('stops a walk when the visitor says so', () => {
    const list = listOf(Array.from({ length: 20 }, (_, value) => value));
    const seen: number[] = [];
    list.forEachFrom(6, (item) => seen.push(item.value) < 3);
    expect(seen).toEqual([6, 7, 8]);
  });
});
