/**
 * Finds which source file a position in the built app comes from, by its Source Map v3 file: the
 * CPU profile names positions in the bundle (url, line, column) and the budget needs the module
 * (`shared/engine/serve-queue.ts`) to tell what part of a transfer the code is. Only the generated
 * position -> source file is decoded; original lines and names are not needed.
 */
import path from 'node:path';

interface RawSourceMap {
  version: number;
  sources: (string | null)[];
  sourceRoot?: string;
  mappings: string;
}

/** One line's segments: generated column and source index, by ascending column. */
type LineSegments = { column: number; sourceIndex: number }[];

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const BASE64_VALUES = new Map([...BASE64].map((char, value) => [char, value]));

/** The numbers of one segment (base64 VLQ: 5 data bits a digit, continuation bit 32, sign in bit 0). */
export function decodeVlqSegment(segment: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const char of segment) {
    const digit = BASE64_VALUES.get(char);
    if (digit === undefined) throw new Error(`Not a base64 VLQ digit: '${char}'`);
    value += (digit & 31) * 2 ** shift;
    if (digit & 32) {
      shift += 5;
      continue;
    }
    values.push(value % 2 === 1 ? -(value - 1) / 2 : value / 2);
    value = 0;
    shift = 0;
  }
  return values;
}

export class SourceMapLookup {
  private readonly lines: LineSegments[] = [];
  private readonly sources: (string | undefined)[];

  /**
   * `mapDir` is where the map file lies and `repoRoot` what source paths are made relative to, so
   * the sources read `client/App.svelte` and `node_modules/svelte/...` whatever the build's layout.
   */
  constructor(map: RawSourceMap, mapDir: string, repoRoot: string) {
    this.sources = map.sources.map((source) =>
      source === null ? undefined : path.relative(repoRoot, path.resolve(mapDir, map.sourceRoot ?? '', source)).split(path.sep).join('/'),
    );
    let sourceIndex = 0;
    for (const line of map.mappings.split(';')) {
      const segments: LineSegments = [];
      let column = 0; // columns restart on each line; the source index carries over
      for (const segment of line.split(',')) {
        if (segment === '') continue;
        const [columnDelta = 0, sourceDelta] = decodeVlqSegment(segment);
        column += columnDelta;
        if (sourceDelta === undefined) continue; // a segment that maps to no source
        sourceIndex += sourceDelta;
        segments.push({ column, sourceIndex });
      }
      this.lines.push(segments);
    }
  }

  static parse(json: string, mapDir: string, repoRoot: string): SourceMapLookup {
    const map = JSON.parse(json) as RawSourceMap;
    if (map.version !== 3 || !Array.isArray(map.sources) || typeof map.mappings !== 'string') {
      throw new Error('Not a version 3 source map');
    }
    return new SourceMapLookup(map, mapDir, repoRoot);
  }

  /** The source of a generated position (0-based line and column, as CPU profiles give them). */
  sourceAt(line: number, column: number): string | undefined {
    const segments = this.lines[line];
    if (segments === undefined || segments.length === 0) return undefined;
    let low = 0;
    let high = segments.length - 1;
    if ((segments[0] as LineSegments[number]).column > column) return this.sources[(segments[0] as LineSegments[number]).sourceIndex];
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      if ((segments[middle] as LineSegments[number]).column <= column) low = middle;
      else high = middle - 1;
    }
    return this.sources[(segments[low] as LineSegments[number]).sourceIndex];
  }
}
