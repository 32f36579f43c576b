/**
 * bench:first-frame's figures: its own section of bench/RESULTS.md and its own `firstFrame` key
 * of bench/results.json, replaced on each run; the rest of both files stays as the other benches
 * wrote it (report.ts's writers keep every bench's section).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { figureNotes, tableRows, withSection, type Figure } from './report';

export const FIRST_FRAME_HEADING = '## First frame while downloading (`npm run bench:first-frame`)';

export interface FirstFrameTurn {
  shoalFirstFrameMs: number;
  shoalPlayingMs: number;
  baselineFirstFrameMs: number;
  baselinePlayingMs: number;
  /** The transfer row's progress at Shoal's first frame, as the page showed it. */
  progressAtFirstFrame: string | null;
}

export interface GeneratedVideo {
  sizeBytes: number;
  durationSeconds: number;
  description: string;
  generateMs: number;
}

export interface FirstFrameResults {
  date: string;
  machine: string;
  versions: Record<string, string>;
  video: GeneratedVideo;
  turns: FirstFrameTurn[];
  figures: Figure[];
}

async function readIfThere(file: string): Promise<string | undefined> {
  return readFile(file, 'utf8').catch(() => undefined);
}

function sectionOf(results: FirstFrameResults): string {
  const { video, turns } = results;
  const notes = figureNotes(results.figures);
  const mib = (bytes: number): string => (bytes / 1024 ** 2).toFixed(1);
  return [
    FIRST_FRAME_HEADING,
    '',
    'Two Chromiums on loopback: one shares a generated WebM, the other (a fresh browser each turn, so the',
    'download starts at 0 %) searches for it and clicks "Play"; the figure is the time from that click to',
    'the first frame the browser presents (requestVideoFrameCallback). The baseline is the same video',
    'played from a local blob: URL in the same browser, timed from setting its source. Medians of the',
    'turns; each turn is in the notes under the table.',
    '',
    `- Video: ${mib(video.sizeBytes)} MiB, ${video.durationSeconds.toFixed(0)} s, ${video.description}; generated in ${(video.generateMs / 1000).toFixed(1)} s (${(video.durationSeconds / (video.generateMs / 1000)).toFixed(1)}× real time)`,
    `- Download at Shoal's first frame: ${turns.map((turn) => turn.progressAtFirstFrame ?? 'no transfer row').join('; ')}`,
    `- Date: ${results.date}`,
    `- Machine: ${results.machine}`,
    `- Versions: ${Object.entries(results.versions)
      .map(([name, version]) => `${name} ${version}`)
      .join(', ')}`,
    `- Turns: ${turns.length}`,
    '',
    '| figure | value | baseline (same run) | ratio | target | met |',
    '| --- | --- | --- | --- | --- | --- |',
    ...tableRows(results.figures),
    ...(notes.length === 0 ? [] : ['', ...notes]),
    '',
  ].join('\n');
}

export async function writeFirstFrameResults(dir: string, results: FirstFrameResults): Promise<void> {
  const json = await readIfThere(`${dir}/results.json`);
  const rest = json === undefined ? {} : (JSON.parse(json) as Record<string, unknown>);
  await writeFile(`${dir}/results.json`, `${JSON.stringify({ ...rest, firstFrame: results }, null, 2)}\n`);
  const markdown = (await readIfThere(`${dir}/RESULTS.md`)) ?? '# Benchmark results\n';
  await writeFile(`${dir}/RESULTS.md`, withSection(markdown, FIRST_FRAME_HEADING, sectionOf(results)));
}
