/**
 * The in-page half of bench:first-frame, bundled and run in the downloader's pages (see
 * e2e/support/page-bundle.ts). It times a click on "Play" to the first video frame the browser
 * presents, and the same video played from a local blob: URL as the baseline. Times are taken in
 * the page (the click's own event time, requestVideoFrameCallback's presentation time), so no round
 * trip to the bench process is counted.
 */

export interface FirstFrameTiming {
  /** From the click (or, for the baseline, from setting the source) to the first frame presented. */
  firstFrameMs: number;
  /** From the same start to the first frame presented with currentTime > 0: playback has begun. */
  playingMs: number;
  /** The transfer row's progress text at the first frame, when the page shows one for the file. */
  progressAtFirstFrame: string | null;
}

export interface FirstFramePageApi {
  /** Starts watching: the next click in the page starts the clock, the first frame of any <video> stops it. */
  armPlayWatch(fileName: string): void;
  /** Resolves with the armed watch's timing, or rejects after `timeoutMs`. */
  playWatchResult(timeoutMs: number): Promise<FirstFrameTiming>;
  /** The baseline: plays the file chosen in the page's file input from a blob: URL, muted. */
  playChosenFile(timeoutMs: number): Promise<FirstFrameTiming>;
}

interface Watch {
  startedAtMs: number | undefined;
  firstFrameAtMs: number | undefined;
  playingAtMs: number | undefined;
  progressAtFirstFrame: string | null;
  settled: Promise<void>;
}

function progressTextOf(fileName: string): string | null {
  const rows = [...document.querySelectorAll('[aria-label="Transfers"] li')];
  const row = rows.find((item) => item.textContent?.includes(fileName));
  return row?.querySelector('[role="progressbar"]')?.getAttribute('aria-valuetext') ?? null;
}

/**
 * Hooks a video into the watch once: its first presented frame, and the first frame presented with
 * currentTime > 0 (playback has begun). Both are read per presented frame, not from `timeupdate`,
 * which Chromium fires only every 250 ms.
 */
function observeVideo(video: HTMLVideoElement, watch: Watch, fileName: string, onSettled: () => void, seen: WeakSet<HTMLVideoElement>): void {
  if (seen.has(video)) return;
  seen.add(video);
  const onFrame = (now: number, frame: VideoFrameCallbackMetadata): void => {
    // A frame from before the clock started (a player shown earlier) counts for nothing.
    if (watch.startedAtMs !== undefined) {
      if (watch.firstFrameAtMs === undefined) {
        watch.firstFrameAtMs = frame.presentationTime;
        watch.progressAtFirstFrame = progressTextOf(fileName);
      }
      if (watch.playingAtMs === undefined && video.currentTime > 0) watch.playingAtMs = now;
    }
    if (watch.firstFrameAtMs !== undefined && watch.playingAtMs !== undefined) onSettled();
    else video.requestVideoFrameCallback(onFrame);
  };
  video.requestVideoFrameCallback(onFrame);
}

function newWatch(fileName: string, startOnClick: boolean): Watch {
  const seen = new WeakSet<HTMLVideoElement>();
  let settle = (): void => undefined;
  const watch: Watch = {
    startedAtMs: undefined,
    firstFrameAtMs: undefined,
    playingAtMs: undefined,
    progressAtFirstFrame: null,
    settled: new Promise<void>((resolve) => {
      settle = resolve;
    }),
  };
  const observeAll = (): void => {
    for (const video of document.querySelectorAll('video')) observeVideo(video, watch, fileName, settle, seen);
  };
  const observer = new MutationObserver(observeAll);
  observer.observe(document.body, { subtree: true, childList: true });
  void watch.settled.then(() => observer.disconnect());
  observeAll();
  if (startOnClick) {
    // Capture phase, so the time is taken before the app's own handler runs.
    document.addEventListener(
      'click',
      (event) => {
        watch.startedAtMs = event.timeStamp;
      },
      { capture: true, once: true },
    );
  }
  return watch;
}

async function resultOf(watch: Watch, timeoutMs: number, what: string): Promise<FirstFrameTiming> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const seen = watch.firstFrameAtMs === undefined ? 'no frame' : 'a frame but currentTime stayed at 0';
      reject(new Error(`${what}: ${seen} within ${timeoutMs} ms${watch.startedAtMs === undefined ? ' (no click was seen)' : ''}`));
    }, timeoutMs);
  });
  try {
    await Promise.race([watch.settled, timedOut]);
  } finally {
    clearTimeout(timer);
  }
  const startedAtMs = watch.startedAtMs ?? Number.NaN;
  return {
    firstFrameMs: (watch.firstFrameAtMs ?? Number.NaN) - startedAtMs,
    playingMs: (watch.playingAtMs ?? Number.NaN) - startedAtMs,
    progressAtFirstFrame: watch.progressAtFirstFrame,
  };
}

let playWatch: Watch | undefined;

const api: FirstFramePageApi = {
  armPlayWatch(fileName) {
    playWatch = newWatch(fileName, true);
  },
  playWatchResult(timeoutMs) {
    if (playWatch === undefined) return Promise.reject(new Error('armPlayWatch was not called in this page'));
    return resultOf(playWatch, timeoutMs, 'After clicking Play');
  },
  async playChosenFile(timeoutMs) {
    const file = document.querySelector<HTMLInputElement>('input[type="file"]')?.files?.[0];
    if (file === undefined) throw new Error('No file chosen in the baseline page');
    const watch = newWatch(file.name, false);
    const video = document.createElement('video');
    video.muted = true; // muted playback needs no user gesture here
    video.width = 640;
    document.body.append(video);
    await new Promise((resolve) => setTimeout(resolve, 0)); // the observer (a microtask) hooks it before the clock starts
    watch.startedAtMs = performance.now();
    video.src = URL.createObjectURL(file);
    await video.play();
    return resultOf(watch, timeoutMs, 'Playing the local file');
  },
};

(globalThis as { shoalFirstFrame?: FirstFramePageApi }).shoalFirstFrame = api;
