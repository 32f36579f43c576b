import { describe, expect, it } from 'vitest';
import { activityOf, splitByActivity, tracedTasks, UNATTRIBUTED_ACTIVITY } from './task-activities';

const TRANSPORT = 'data channel transport (SCTP, DTLS, UDP sockets)';
const STORE = 'Blob bytes and IndexedDB (store writes, File or store reads)';

/** A trace shaped like Chromium's JSON: metadata naming processes and threads, then complete events (µs). */
function recordedLikeTrace(): string {
  const meta = (pid: number, tid: number, kind: 'process_name' | 'thread_name', name: string) => ({ ph: 'M', name: kind, pid, tid, args: { name } });
  const task = (pid: number, tid: number, ts: number, dur: number, tdur: number, args: object, name = 'ThreadControllerImpl::RunTask') => ({
    ph: 'X', name, pid, tid, ts, dur, tdur, args,
  });
  const mojo = (tag: string) => ({ chrome_mojo_event_info: { watcher_notify_interface_tag: tag } });
  return JSON.stringify({
    traceEvents: [
      meta(10, 10, 'process_name', 'Browser'),
      meta(10, 11, 'thread_name', 'ThreadPoolForegroundWorker'),
      meta(20, 20, 'process_name', 'Renderer'),
      meta(20, 21, 'thread_name', 'WebRTC_W_and_N'),
      meta(30, 30, 'process_name', 'Service: network.mojom.NetworkService'),
      meta(30, 31, 'thread_name', 'Chrome_ChildIOThread'),
      // A renderer task whose IPC interface shows only in the event nested inside it.
      task(20, 21, 1000, 500, 400, { src_file: 'mojo/public/cpp/system/simple_watcher.cc', src_func: 'Notify' }),
      task(20, 21, 1100, 100, 90, mojo('network.mojom.P2PSocketClient'), 'SimpleWatcher::OnHandleReady'),
      // Browser thread pool: an IndexedDB task and a file write, then a task nobody names.
      task(10, 11, 2000, 300, 300, { src_file: 'content/browser/indexed_db/instance/bucket_context.cc', src_func: 'QueueRunTasks' }),
      task(10, 11, 2400, 100, 100, { src_file: 'net/base/file_stream_context_posix.cc', src_func: 'Write' }),
      task(10, 11, 2600, 200, 200, { src_file: 'base/task/sequence_manager/tasks.cc', src_func: 'Run' }),
      // The network service watching its sockets: untagged wake-ups.
      task(30, 31, 3000, 800, 600, {}, 'EpollEvent'),
    ],
  });
}

describe('traced tasks by activity', () => {
  it('folds events nested in a task into it, with its thread, process kind and CPU time', () => {
    const tasks = tracedTasks(recordedLikeTrace());
    expect(tasks).toHaveLength(5);
    const webrtc = tasks.find((task) => task.threadName === 'WebRTC_W_and_N');
    expect(webrtc).toMatchObject({ pid: 20, tid: 21, processKind: 'renderer', cpuMs: 0.4, startUs: 1000 });
    expect(webrtc?.tag).toContain('network.mojom.P2PSocketClient');
    expect(tasks.find((task) => task.processKind === 'network')?.tag).toBe('');
  });

  it('names activities by where a task was posted from and the interface it served', () => {
    expect(activityOf('mojo/public/cpp/system/simple_watcher.cc:Notify network.mojom.P2PSocketClient', 'renderer')).toBe(TRANSPORT);
    expect(activityOf('', 'network')).toBe(TRANSPORT);
    expect(activityOf('', 'renderer')).toBe(UNATTRIBUTED_ACTIVITY);
    expect(activityOf('mojo/public/cpp/system/simple_watcher.cc:Notify storage.mojom.BlobDataItemReader', 'browser')).toBe(STORE);
    expect(activityOf('v8/src/heap/concurrent-marking.cc:TryScheduleJob', 'renderer')).toBe('V8 helpers (GC, compilers)');
  });

  it("splits each row's CPU by its traced tasks' shares, and leaves a row with no traced task unattributed", () => {
    const tasks = tracedTasks(recordedLikeTrace());
    const labelOf = (task: { processKind: string; threadName: string }) =>
      task.processKind === 'browser' ? 'browser pool' : task.processKind === 'network' ? 'network' : 'webrtc';
    const rows = new Map([
      ['browser pool', { msPerMiB: 6 }],
      ['network', { msPerMiB: 10 }],
      ['webrtc', { msPerMiB: 8 }],
      ['gpu', { msPerMiB: 1 }],
    ]);
    const split = splitByActivity(rows, tasks, labelOf);
    // The pool's 6 ms: 300 + 100 of its 600 traced µs were the store's, 200 nobody's.
    expect(split.get(STORE)).toBeCloseTo(4, 9);
    expect(split.get(TRANSPORT)).toBeCloseTo(10 + 8, 9);
    expect(split.get(UNATTRIBUTED_ACTIVITY)).toBeCloseTo(2 + 1, 9);
  });
});
