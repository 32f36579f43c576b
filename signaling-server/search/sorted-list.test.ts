import { describe, expect, it } from 'vitest';
import { SortedList } from './sorted-list';

const byNumber = (a: number, b: number): number => a - b;

describe('SortedList', () => {
  it('keeps random inserts and removals in order across block splits and empty blocks', () => {
    const list = new SortedList(byNumber, 4);
    const expected = new Set<number>();
    let state = 17;
    for (let step = 0; step < 3000; step += 1) {
      state = (state * 48271) % 2147483647;
      const value = state % 200;
      if (expected.has(value)) {
        expect(list.remove(value)).toBe(true);
        expected.delete(value);
      } else {
        list.insert(value);
        expected.add(value);
      }
      if (step % 100 === 0) expect(list.slice(0, 1000)).toEqual([...expected].sort(byNumber));
    }
    expect(list.size).toBe(expected.size);
    expect(list.remove(1000)).toBe(false);
  });

  it('pages from any offset, skipping whole blocks', () => {
    const list = new SortedList(byNumber, 4);
    for (const value of [9, 3, 7, 1, 5, 8, 2, 6, 4, 0]) list.insert(value);
    expect(list.slice(5, 3)).toEqual([5, 6, 7]);
    expect(list.slice(8, 10)).toEqual([8, 9]);
    expect(list.slice(10, 10)).toEqual([]);
  });

  it('stops a walk when the visitor says so', () => {
    const list = new SortedList(byNumber, 4);
    for (let value = 0; value < 20; value += 1) list.insert(value);
    const seen: number[] = [];
    list.forEachFrom(6, (value) => seen.push(value) < 3);
    expect(seen).toEqual([6, 7, 8]);
  });
});
