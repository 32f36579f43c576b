/**
 * A V8 CPU profile of one page's main thread, recorded through DevTools (Profiler.start/stop). Its
 * timestamps are the browser's monotonic clock, which on Linux is the CLOCK_MONOTONIC that Node's
 * hrtime reads too, so a window timed in epoch ms (the page's, this process's) can be cut out of it;
 * where the start time says the clocks differ, there is no window and the whole profile counts.
 */
import type { CDPSession, Page } from 'playwright-core';
import type { CpuProfile, ProfileWindow } from './profile-attribution';

/** 1 ms between samples: fine enough for parts of a few ms per MiB over a transfer of seconds, and
 * the profiler's own cost on the profiled thread stays small (the budget shows it). */
const SAMPLING_INTERVAL_US = 1000;

/** How far the profile's start may be from when Node asked for it and still count as the same clock. */
const SAME_CLOCK_SLACK_US = 250_000;

const monotonicNowUs = (): number => Number(process.hrtime.bigint() / 1000n);

export interface RecordedProfile {
  profile: CpuProfile;
  /** An epoch-ms window in the profile's clock; undefined if the clocks did not agree. */
  windowOf(fromEpochMs: number, toEpochMs: number): ProfileWindow | undefined;
}

export class RendererProfiler {
  private constructor(
    private readonly session: CDPSession,
    private readonly askedAtUs: { before: number; after: number },
  ) {}

  static async start(page: Page): Promise<RendererProfiler> {
    const session = await page.context().newCDPSession(page);
    await session.send('Profiler.enable');
    await session.send('Profiler.setSamplingInterval', { interval: SAMPLING_INTERVAL_US });
    const before = monotonicNowUs();
    await session.send('Profiler.start');
    return new RendererProfiler(session, { before, after: monotonicNowUs() });
  }

  async stop(): Promise<RecordedProfile> {
    const { profile } = (await this.session.send('Profiler.stop')) as { profile: CpuProfile };
    await this.session.send('Profiler.disable');
    await this.session.detach();
    const isSameClock =
      profile.startTime >= this.askedAtUs.before - SAME_CLOCK_SLACK_US && profile.startTime <= this.askedAtUs.after + SAME_CLOCK_SLACK_US;
    const offsetUs = monotonicNowUs() - Date.now() * 1000;
    return {
      profile,
      windowOf: (fromEpochMs, toEpochMs) =>
        isSameClock ? { fromUs: fromEpochMs * 1000 + offsetUs, toUs: toEpochMs * 1000 + offsetUs } : undefined,
    };
  }
}
