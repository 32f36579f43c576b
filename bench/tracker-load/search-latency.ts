/**
 * Search latency at 100,000 and 1,000,000 indexed files against the linear scan: measured by
 * bench/tracker-search.ts (`npm run bench:search`), run here as a child process of its own so its
 * million-file indexes do not share a heap with the load test, and not written a second time. Its
 * query table is read back from what it prints (a full run also refreshes
 * bench/RESULTS-tracker-search.md, as `npm run bench:search` does).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('../tracker-search.ts', import.meta.url));

export interface SearchLatencyRow {
  files: number;
  query: string;
  meanHits: number;
  indexedP50Ms: number;
  indexedP99Ms: number;
  indexedP99CpuMs: number;
  linearP50Ms: number;
  linearP99Ms: number;
}

/** A query row of tracker-search's table: 9 cells, the first a file count like `1,000,000`. */
function parseRow(line: string): SearchLatencyRow | undefined {
  const cells = line.split('|').slice(1, -1).map((cell) => cell.trim());
  if (cells.length !== 9 || !/^[\d,]+$/.test(cells[0]!)) return undefined;
  const number = (cell: string | undefined): number => Number((cell ?? '').replaceAll(',', '').replace('×', ''));
  const row: SearchLatencyRow = {
    files: number(cells[0]),
    query: cells[1]!,
    meanHits: number(cells[2]),
    indexedP50Ms: number(cells[3]),
    indexedP99Ms: number(cells[4]),
    indexedP99CpuMs: number(cells[5]),
    linearP50Ms: number(cells[6]),
    linearP99Ms: number(cells[7]),
  };
  return Object.values(row).every((value) => typeof value === 'string' || Number.isFinite(value)) ? row : undefined;
}

export function parseSearchTable(output: string): SearchLatencyRow[] {
  const rows = new Map<string, SearchLatencyRow>();
  // Each row is printed as it is measured and again in the closing report; the last one stands.
  for (const line of output.split('\n')) {
    const row = parseRow(line);
    if (row !== undefined) rows.set(`${row.files} ${row.query}`, row);
  }
  return [...rows.values()];
}

export async function measureSearchLatency(isQuick: boolean, timeoutMs: number, log: (line: string) => void): Promise<SearchLatencyRow[]> {
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, ...(isQuick ? ['--quick'] : [])], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let errors = '';
  child.stdout.on('data', (data: Buffer) => {
    output += data.toString();
  });
  child.stderr.on('data', (data: Buffer) => {
    errors = (errors + data.toString()).slice(-4000);
  });
  const timer = setTimeout(() => {
    log(`  bench/tracker-search.ts took longer than ${timeoutMs} ms: stopped`);
    child.kill('SIGKILL');
  }, timeoutMs);
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', resolve);
    });
    if (code !== 0) throw new Error(`bench/tracker-search.ts exited with ${String(code)}:\n${errors}`);
  } finally {
    clearTimeout(timer);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  const rows = parseSearchTable(output);
  if (rows.length === 0) throw new Error(`bench/tracker-search.ts printed no query table:\n${output.slice(-2000)}`);
  return rows;
}
