import { describe, expect, it } from 'vitest';
import { MAIN_THREAD_PARTS } from './budget-parts';
import { budgetRows, tabRendererPid, totalMsPerMiB, type SideMeasurement } from './budget-rows';
import { emptyParts } from './profile-attribution';
import type { ThreadCpu } from './thread-cpu';

const MiB = 1024 * 1024;

const thread = (pid: number, tid: number, processKind: ThreadCpu['processKind'], name: string, cpuMs: number): ThreadCpu => ({
  pid,
  tid,
  processKind,
  name,
  isMainThread: pid === tid,
  cpuMs,
});

/** One side over 10 MiB: a busy tab renderer (100), an idle spare one, the browser and network service. */
function side(mainCpuMs: number): SideMeasurement {
  const threads = [
    thread(20, 20, 'renderer', 'chromium', mainCpuMs),
    thread(20, 21, 'renderer', 'WebRTC_Network', 40),
    thread(20, 22, 'renderer', 'ThreadPoolForeg', 30),
    thread(20, 23, 'renderer', 'ThreadPoolForeg', 10),
    thread(30, 30, 'renderer', 'chromium', 5),
    thread(10, 10, 'browser', 'chromium', 20),
    thread(10, 11, 'browser', 'Chrome_IOThread', 15),
    thread(40, 41, 'network', 'NetworkService', 25),
  ];
  const msByPart = { ...emptyParts(), sha256: 30, sending: 50, garbageCollection: 20 };
  return {
    plain: { threads, bytes: 10 * MiB },
    // The profiled turn ran slower (the profiler's cost); only its shares count.
    profiled: { threads, bytes: 10 * MiB, parts: { msByPart, busyMs: 100, idleMs: 400 } },
  };
}

describe('CPU budget rows', () => {
  it("divides the plain turn's main-thread CPU by the profile's shares and lists the other threads and processes", () => {
    const rows = budgetRows({ seeder: side(100), downloader: side(200) });
    const row = (label: string) => rows.find((candidate) => candidate.label === label)?.msPerMiB;
    expect(row(MAIN_THREAD_PARTS.sha256)).toEqual({ seeder: 3, downloader: 6 });
    expect(row(MAIN_THREAD_PARTS.sending)).toEqual({ seeder: 5, downloader: 10 });
    expect(row(MAIN_THREAD_PARTS.idbWrite)).toEqual({ seeder: 0, downloader: 0 });
    expect(row('WebRTC threads (SCTP, DTLS: the data channel itself)')).toEqual({ seeder: 4, downloader: 4 });
    expect(row('thread pool (GC and compiler helpers, IPC, Blob reads)')).toEqual({ seeder: 4, downloader: 4 });
    expect(row('browser process, main thread (UI, IPC routing)')).toEqual({ seeder: 2, downloader: 2 });
    expect(row('browser process, IO thread (IPC, Blob data pipes)')).toEqual({ seeder: 1.5, downloader: 1.5 });
    expect(row('network service (the UDP sockets)')).toEqual({ seeder: 2.5, downloader: 2.5 });
    expect(row('other renderers (a spare one, say)')).toEqual({ seeder: 0.5, downloader: 0.5 });
    // Every thread's CPU is in the rows once: they add up to the whole browser's.
    const seederSum = rows.reduce((total, candidate) => total + candidate.msPerMiB.seeder, 0);
    expect(seederSum).toBeCloseTo(totalMsPerMiB(side(100).plain), 9);
    const groupOrder = ['renderer main thread', 'renderer, other threads', 'outside the renderer'];
    const groupIndices = rows.map((candidate) => groupOrder.indexOf(candidate.group));
    expect(groupIndices).toEqual([...groupIndices].sort((a, b) => a - b));
    expect(row(MAIN_THREAD_PARTS.sha256)).toBeDefined();
  });

  it("gives each thread and process row the raw channel's figure for the same thread or process", () => {
    const raw = { seeder: { threads: [thread(20, 20, 'renderer', 'chromium', 30), thread(20, 21, 'renderer', 'WebRTC_Network', 20)], bytes: 10 * MiB }, downloader: { threads: [], bytes: 10 * MiB } };
    const rows = budgetRows({ seeder: side(100), downloader: side(200) }, raw);
    expect(rows.find((row) => row.label.startsWith('WebRTC threads'))?.raw).toEqual({ seeder: 2, downloader: 0 });
    expect(rows.find((row) => row.label === MAIN_THREAD_PARTS.sending)?.raw).toBeUndefined();
  });

  it('takes the renderer whose main thread worked most as the tab', () => {
    expect(tabRendererPid(side(100).plain.threads)).toBe(20);
    expect(tabRendererPid([thread(20, 20, 'renderer', 'chromium', 1), thread(30, 30, 'renderer', 'chromium', 9)])).toBe(30);
  });
});
