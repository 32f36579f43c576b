import { describe, expect, it } from 'vitest';
import { cpuMsOfProcess, ProcessCpuSampler } from './process-cpu';

/** Spins until this process has used `ms` more CPU time (by its own count, whatever the load). */
function burnCpuMs(ms: number): void {
  const start = process.cpuUsage();
  for (;;) {
    const used = process.cpuUsage(start);
    if ((used.user + used.system) / 1000 >= ms) return;
  }
}

describe('the CPU time of a process', () => {
  it('reads what this process used from /proc, as the process itself counts it', () => {
    const before = cpuMsOfProcess(process.pid);
    expect(before).toBeGreaterThanOrEqual(0);
    burnCpuMs(300);
    const after = cpuMsOfProcess(process.pid) as number;
    // /proc counts in 10 ms ticks, so allow a few ticks either way.
    expect(after - (before as number)).toBeGreaterThanOrEqual(260);
  });

  it('reads nothing for a process that does not exist', () => {
    expect(cpuMsOfProcess(2 ** 30)).toBeUndefined();
  });

  it('gives the cores busy between two instants inside its samples, and nothing outside them', async () => {
    const sampler = new ProcessCpuSampler([process.pid]);
    const fromMs = Date.now() + 1;
    await new Promise((resolve) => setTimeout(resolve, 5));
    burnCpuMs(300);
    const toMs = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 150)); // one sample after the window at least
    const cores = sampler.busyCoresBetween(fromMs, toMs) as number;
    sampler.stop();
    expect(cores).toBeGreaterThan(0);
    expect(cores).toBeLessThanOrEqual(1.2); // one thread spinning, give or take a tick
    expect(sampler.busyCoresBetween(fromMs - 60_000, toMs)).toBeUndefined();
  });
});
