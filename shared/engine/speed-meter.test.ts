import { describe, expect, it } from 'vitest';
import { SpeedMeter } from './speed-meter';

describe('SpeedMeter', () => {
  it('reports zero and no ETA before anything arrives', () => {
    const meter = new SpeedMeter(0, 5_000);
    expect(meter.bytesPerSecond(1_000)).toBe(0);
    expect(meter.etaSeconds(1_000, 1_000)).toBeUndefined();
  });

  it('averages over the time elapsed while that is shorter than the window', () => {
    const meter = new SpeedMeter(0, 5_000);
    meter.record(1_000, 500);
    meter.record(1_000, 1_000);
    expect(meter.bytesPerSecond(2_000)).toBe(1_000);
  });

  it('forgets samples older than the window', () => {
    const meter = new SpeedMeter(0, 5_000);
    meter.record(100_000, 1_000);
    for (let atMs = 6_000; atMs <= 10_000; atMs += 1_000) meter.record(2_000, atMs);
    // The burst at 1 s is out of the window at 10 s; 5 samples of 2 000 bytes remain.
    expect(meter.bytesPerSecond(10_000)).toBe(2_000);
    expect(meter.bytesPerSecond(100_000)).toBe(0);
  });

  it('damps the first instant so one early chunk does not read as a huge speed', () => {
    const meter = new SpeedMeter(0, 5_000);
    meter.record(1_000, 1);
    expect(meter.bytesPerSecond(1)).toBe(4_000);
  });

  it('estimates whole seconds left at the current pace, and zero when nothing is left', () => {
    const meter = new SpeedMeter(0, 5_000);
    meter.record(3_000, 1_000);
    expect(meter.bytesPerSecond(3_000)).toBe(1_000);
    expect(meter.etaSeconds(2_500, 3_000)).toBe(3);
    expect(meter.etaSeconds(0, 3_000)).toBe(0);
  });

  it('keeps working across many samples', () => {
    const meter = new SpeedMeter(0, 1_000);
    for (let atMs = 1; atMs <= 10_000; atMs += 1) meter.record(10, atMs);
    expect(meter.bytesPerSecond(10_000)).toBe(10_000);
  });
});
