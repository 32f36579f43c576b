/**
 * CPU time of the processes inside some network namespaces (the two browsers, the tracker and the
 * link emulator of bench:net), from /proc/<pid>/stat. On a machine others are using, the whole
 * machine's CPU (machine-cpu.ts) counts their work too; this counts only the benchmark's own,
 * though not the kernel's packet work done outside those processes.
 */
import { readFile } from 'node:fs/promises';
import { runCommand } from '../../e2e/net/run-command';
import { parseProcStat } from '../process-cpu';


/** CPU ms each process in the namespaces has used so far, by pid. */
export async function namespaceCpuMs(namespaces: readonly string[]): Promise<Map<number, number>> {
  const used = new Map<number, number>();
  for (const ns of namespaces) {
    const pids = (await runCommand('ip', ['netns', 'pids', ns], { mayFail: true })).split('\n').filter((pid) => /^\d+$/.test(pid));
    for (const pid of pids.map(Number)) {
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
      const cpuMs = stat === undefined ? undefined : parseProcStat(stat)?.cpuMs;
      if (cpuMs !== undefined) used.set(pid, cpuMs);
    }
  }
  return used;
}

/** CPU ms used between two readings; a process that started in between counts from zero. */
export function cpuMsBetween(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, ms] of after) total += ms - (before.get(pid) ?? 0);
  return total;
}
