/**
 * A list kept in sorted order under inserts and removals, with paging by position: the order the
 * search results are shown in, maintained per change so a page never sorts the whole index.
 *
 * Items live in blocks of at most `maxBlockLength`: an insert costs two binary searches (over the
 * blocks' last items, then inside one block) and moves at most one block's items, where one flat
 * array would move up to every item in the index. Each item remembers its block, so a removal
 * makes no comparison at all: with names compared by ICU collation (~400 ns each), comparisons
 * are most of what a change costs.
 */

/** Big enough that the block list stays short (a few thousand at a million items), small enough that a splice is cheap. */
const DEFAULT_MAX_BLOCK_LENGTH = 512;

export interface SortedBlock<T> {
  items: T[];
}

/** An item of a SortedList; the list alone writes `sortedBlock`. */
export interface Sortable<T> {
  sortedBlock: SortedBlock<T> | undefined;
}

export class SortedList<T extends Sortable<T>> {
  private readonly blocks: SortedBlock<T>[] = [];
  private count = 0;

  constructor(
    /** Must be a total order: no two items in the list may compare equal. */
    private readonly compare: (a: T, b: T) => number,
    private readonly maxBlockLength = DEFAULT_MAX_BLOCK_LENGTH,
  ) {}

  get size(): number {
    return this.count;
  }

  insert(item: T): void {
    if (item.sortedBlock !== undefined) throw new Error('The item is in a sorted list already');
    this.count += 1;
    if (this.blocks.length === 0) {
      this.blocks.push({ items: [item] });
      item.sortedBlock = this.blocks[0];
      return;
    }
    const blockIndex = Math.min(this.blockFor(item), this.blocks.length - 1);
    const block = this.blocks[blockIndex]!;
    block.items.splice(this.positionIn(block.items, item), 0, item);
    item.sortedBlock = block;
    if (block.items.length > this.maxBlockLength) {
      const split = { items: block.items.splice(block.items.length >> 1) };
      for (const moved of split.items) moved.sortedBlock = split;
      this.blocks.splice(blockIndex + 1, 0, split);
    }
  }

  /** Removes the item (by identity); false if it is not in the list. */
  remove(item: T): boolean {
    const block = item.sortedBlock;
    if (block === undefined) return false;
    block.items.splice(block.items.indexOf(item), 1);
    item.sortedBlock = undefined;
    this.count -= 1;
    if (block.items.length === 0) this.blocks.splice(this.blocks.indexOf(block), 1);
    return true;
  }

  /** Up to `limit` items from position `offset`, skipping whole blocks to get there. */
  slice(offset: number, limit: number): T[] {
    const items: T[] = [];
    this.forEachFrom(offset, (item) => items.push(item) < limit);
    return items;
  }

  /** Visits items in order from position `offset` until `visit` returns false. */
  forEachFrom(offset: number, visit: (item: T) => boolean): void {
    let skip = offset;
    for (const { items } of this.blocks) {
      if (skip >= items.length) {
        skip -= items.length;
        continue;
      }
      for (let index = skip; index < items.length; index += 1) if (!visit(items[index]!)) return;
      skip = 0;
    }
  }

  /** Index of the first block whose last item is not below `item`; blocks.length when none. */
  private blockFor(item: T): number {
    let low = 0;
    let high = this.blocks.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      const { items } = this.blocks[middle]!;
      if (this.compare(items[items.length - 1]!, item) < 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** Index of the first item in `items` not below `item`. */
  private positionIn(items: readonly T[], item: T): number {
    let low = 0;
    let high = items.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (this.compare(items[middle]!, item) < 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}
