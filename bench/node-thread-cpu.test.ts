import { describe, expect, it } from 'vitest';
import { cpuBetween, readThreads, threadGroupOf } from './node-thread-cpu';
import { cpuMsOfProcess } from './process-cpu';

/** Keeps the main thread busy until the process has used `cpuMs` more CPU: CPU time, not wall
 * time, so that other tests running beside this one on a busy machine do not shorten it. */
function burnMainThread(cpuMs: number): void {
  const usedMs = (): number => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
  };
  const until = usedMs() + cpuMs;
  while (usedMs() < until) Math.sqrt(Math.random());
}

describe('CPU by thread group of a Node peer process', () => {
  it('names the main thread by its id, wrtc threads by their name, and the rest as the pool and V8 helpers', () => {
    expect(threadGroupOf(100, 100, 'node')).toBe('main thread');
    expect(threadGroupOf(100, 101, 'PeerConnectionF')).toBe('WebRTC threads');
    expect(threadGroupOf(100, 102, 'node')).toBe('file I/O pool and V8 helpers');
    expect(threadGroupOf(100, 103, 'V8 DefaultWorke')).toBe('file I/O pool and V8 helpers');
  });

  it('puts CPU burnt in JS on the main thread, and the groups add up to the process', () => {
    const before = readThreads(process.pid);
    const processBefore = cpuMsOfProcess(process.pid);
    burnMainThread(300);
    const after = readThreads(process.pid);
    const processAfter = cpuMsOfProcess(process.pid);
    if (before === undefined || after === undefined || processBefore === undefined || processAfter === undefined) {
      throw new Error('/proc could not be read');
    }
    const spent = cpuBetween(before, after);
    expect(spent['main thread']).toBeGreaterThanOrEqual(250);
    const groupsTotal = spent['main thread'] + spent['WebRTC threads'] + spent['file I/O pool and V8 helpers'];
    // Ticks are 10 ms, and each thread's count is read at a slightly different moment.
    expect(Math.abs(groupsTotal - (processAfter - processBefore))).toBeLessThanOrEqual(40);
  });

  it('counts a thread that started in the window from zero, and one that ended in it in no group', () => {
    const before = new Map([
      [1, { group: 'main thread' as const, cpuMs: 500 }],
      [2, { group: 'WebRTC threads' as const, cpuMs: 900 }],
    ]);
    const after = new Map([
      [1, { group: 'main thread' as const, cpuMs: 620 }],
      [3, { group: 'WebRTC threads' as const, cpuMs: 40 }],
    ]);
    expect(cpuBetween(before, after)).toEqual({ 'main thread': 120, 'WebRTC threads': 40, 'file I/O pool and V8 helpers': 0 });
  });

  it('is undefined for a process that does not exist', () => {
    expect(readThreads(2 ** 30)).toBeUndefined();
  });
});
