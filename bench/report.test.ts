import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { noPhysicalLimit } from './physical-limit';
import { figureNotes, writeResults } from './report';
import { figureOf, TARGETS } from './targets';

const invalidSwarm = figureOf({
  name: '4 seeders at 2 MiB/s each',
  value: 10.3,
  unit: 'MiB/s',
  baseline: { name: '1 such seeder', value: 2 },
  target: TARGETS.cappedSwarm,
  limit: { maxRatio: 4, because: '4 capped seeders deliver at most 4x one' },
  turns: { value: [10.1, 10.29, 10.4], baseline: [2] },
});
const wobblySingleSource = figureOf({
  name: 'single-source transfer',
  value: 15,
  unit: 'MiB/s',
  baseline: { name: 'raw data channel', value: 17 },
  target: TARGETS.singleSource,
  limit: noPhysicalLimit('loopback'),
  turns: { value: [15, 16, 9], baseline: [17, 17.5, 16.5] },
});

describe('the bench report', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'shoal-report-test-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('notes a refused figure with its reason and a turn far from its median', () => {
    const notes = figureNotes([invalidSwarm, wobblySingleSource]);
    expect(notes).toContain('- INVALID 4 seeders at 2 MiB/s each: ratio 5.15 is above 4.00: 4 capped seeders deliver at most 4x one');
    expect(notes.find((note) => note.startsWith('- single-source transfer:'))).toMatch(/OUTLIER turn 3: 9\.00, 40 % below the median/);
  });

  it('writes a refused figure to RESULTS.md as INVALID, not met, and flags the outlier turn', async () => {
    await writeResults(dir, { date: '2026-12-02T08:00:00Z', mode: 'quick', machine: 'test', versions: {} }, [invalidSwarm, wobblySingleSource]);
    const markdown = await readFile(path.join(dir, 'RESULTS.md'), 'utf8');
    const swarmRow = markdown.split('\n').find((line) => line.startsWith('| 4 seeders'));
    expect(swarmRow).toMatch(/\| INVALID \|$/);
    expect(swarmRow).not.toMatch(/yes/);
    expect(markdown).toContain('- INVALID 4 seeders at 2 MiB/s each: ratio 5.15 is above 4.00');
    expect(markdown.split('\n').find((line) => line.startsWith('| single-source'))).toMatch(/\| yes, outlier turn \(notes\) \|$/);
    const json = JSON.parse(await readFile(path.join(dir, 'results.json'), 'utf8')) as { figures: { verdict: string; invalidReason: string | null }[] };
    expect(json.figures.map((figure) => figure.verdict)).toEqual(['INVALID', 'yes']);
    expect(json.figures[0]?.invalidReason).toMatch(/ratio 5\.15 is above 4\.00/);
  });
});
