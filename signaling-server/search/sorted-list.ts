/**
 * A list kept in sorted order under inserts and removals, with paging by position: the order the
 * search results are shown in, maintained per change so a page never sorts the whole index.
 *
 * Items live in blocks of at most `maxBlockLength`: finding a place costs two binary searches
 * (over the blocks' last items, then inside one block), and an insert or removal moves at most
 * one block's items, where one flat array would move up to every item in the index.
 */

/** Big enough that the block list stays short (a few thousand at a million items), small enough that a splice is cheap. */
const DEFAULT_MAX_BLOCK_LENGTH = 512;

export class SortedList<T> {
  private readonly blocks: T[][] = [];
  private count = 0;

  constructor(
    /** Must be a total order: items that compare equal are treated as the same item. */
    private readonly compare: (a: T, b: T) => number,
    private readonly maxBlockLength = DEFAULT_MAX_BLOCK_LENGTH,
  ) {}

  get size(): number {
    return this.count;
  }

  insert(item: T): void {
    if (this.blocks.length === 0) {
      this.blocks.push([item]);
      this.count = 1;
      return;
    }
    const blockIndex = Math.min(this.blockFor(item), this.blocks.length - 1);
    const block = this.blocks[blockIndex]!;
    block.splice(this.positionIn(block, item), 0, item);
    this.count += 1;
    if (block.length > this.maxBlockLength) {
      const half = block.length >> 1;
      this.blocks.splice(blockIndex + 1, 0, block.splice(half));
    }
  }

  /** Removes the item equal to `item` under the order as it was when inserted; false if absent. */
  remove(item: T): boolean {
    const blockIndex = this.blockFor(item);
    const block = this.blocks[blockIndex];
    if (block === undefined) return false;
    const position = this.positionIn(block, item);
    if (position === block.length || this.compare(block[position]!, item) !== 0) return false;
    block.splice(position, 1);
    this.count -= 1;
    if (block.length === 0) this.blocks.splice(blockIndex, 1);
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
    for (const block of this.blocks) {
      if (skip >= block.length) {
        skip -= block.length;
        continue;
      }
      for (let index = skip; index < block.length; index += 1) if (!visit(block[index]!)) return;
      skip = 0;
    }
  }

  /** Index of the first block whose last item is not below `item`; blocks.length when none. */
  private blockFor(item: T): number {
    let low = 0;
    let high = this.blocks.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      const block = this.blocks[middle]!;
      if (this.compare(block[block.length - 1]!, item) < 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** Index of the first item in `block` not below `item`. */
  private positionIn(block: readonly T[], item: T): number {
    let low = 0;
    let high = block.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (this.compare(block[middle]!, item) < 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}
