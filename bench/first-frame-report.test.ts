import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FIRST_FRAME_HEADING, writeFirstFrameResults, type FirstFrameResults } from './first-frame-report';
import { noPhysicalLimit } from './physical-limit';
import { writeResults } from './report';
import { figureOf } from './targets';

function resultsWith(shoalMs: number[]): FirstFrameResults {
  const baselineMs = shoalMs.map(() => 120);
  return {
    date: '2026-12-02T09:00:00Z',
    machine: 'test machine',
    versions: { node: 'v20' },
    video: { sizeBytes: 200 * 1024 ** 2, durationSeconds: 210, description: '640×360 VP8 noise', generateMs: 42_000 },
    turns: shoalMs.map((ms) => ({
      shoalFirstFrameMs: ms,
      shoalPlayingMs: ms + 40,
      baselineFirstFrameMs: 120,
      baselinePlayingMs: 160,
      progressAtFirstFrame: '1%, 2.0 MiB of 200 MiB',
    })),
    figures: [
      figureOf({
        name: 'click Play → first frame',
        value: shoalMs[0] ?? 0,
        unit: 'ms',
        baseline: { name: 'local blob: URL', value: 120 },
        target: { text: '<= 3000 ms', isMet: ({ value }) => value <= 3000 },
        limit: noPhysicalLimit('test'),
        turns: { value: shoalMs, baseline: baselineMs },
      }),
    ],
  };
}

const count = (text: string, part: string): number => text.split(part).length - 1;

describe('the first-frame section of the bench results', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'shoal-first-frame-report-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('replaces its own section on a second run and leaves the other benches as they were', async () => {
    const netSection = '## Shaped link (`npm run bench:net`)\n\nnet table\n';
    await writeFile(path.join(dir, 'RESULTS.md'), `# Benchmark results\n\nmain table\n\n${netSection}`);
    await writeFile(path.join(dir, 'results.json'), JSON.stringify({ figures: [], net: { turns: 3 } }));

    await writeFirstFrameResults(dir, resultsWith([2500]));
    await writeFirstFrameResults(dir, resultsWith([1800, 1900, 2100]));

    const markdown = await readFile(path.join(dir, 'RESULTS.md'), 'utf8');
    expect(count(markdown, FIRST_FRAME_HEADING)).toBe(1);
    expect(markdown).toContain('main table');
    expect(markdown).toContain(netSection);
    expect(markdown).toMatch(/\| click Play → first frame \| 1800 ms \| local blob: URL: 120 ms \| 15\.00 \| <= 3000 ms \| yes \|/);
    expect(markdown).toContain('each turn 1800, 1900, 2100 ms');
    expect(markdown).not.toContain('2500');
    const json = JSON.parse(await readFile(path.join(dir, 'results.json'), 'utf8')) as { net: unknown; firstFrame: FirstFrameResults };
    expect(json.net).toEqual({ turns: 3 });
    expect(json.firstFrame.turns.map((turn) => turn.shoalFirstFrameMs)).toEqual([1800, 1900, 2100]);
  });

  it('survives npm run bench rewriting the main table', async () => {
    await writeFirstFrameResults(dir, resultsWith([2200]));
    await writeResults(dir, { date: '2026-12-02T10:00:00Z', mode: 'quick', machine: 'test', versions: {} }, []);

    const markdown = await readFile(path.join(dir, 'RESULTS.md'), 'utf8');
    expect(markdown.startsWith('# Benchmark results')).toBe(true);
    expect(count(markdown, FIRST_FRAME_HEADING)).toBe(1);
    expect(markdown).toContain('each turn 2200 ms');
    const json = JSON.parse(await readFile(path.join(dir, 'results.json'), 'utf8')) as { mode: string; firstFrame?: FirstFrameResults };
    expect(json.mode).toBe('quick');
    expect(json.firstFrame?.turns).toHaveLength(1);
  });
});
