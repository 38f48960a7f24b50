// Unit tests of the physical clock model: offset, drift, setClock semantics and the local→true inverse.
import { describe, it, expect } from 'vitest';
import { PhysicalClock, nextUp } from '../../../src/core/clocks/physical';

/** mulberry32: a tiny seeded PRNG so randomized tests are reproducible without Math.random. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('PhysicalClock', () => {
  it('reads true time plus its initial offset when it does not drift', () => {
    const c = new PhysicalClock(-120, 0, 0);
    expect(c.read(0)).toBe(-120);
    expect(c.read(5_000)).toBe(4_880);
    expect(c.offsetAt(1e9)).toBe(-120);
  });

  it('a positive drift runs fast: the offset grows by driftPpm·1e-6 per true ms', () => {
    const c = new PhysicalClock(50, 100, 0);
    expect(c.offsetAt(10_000)).toBeCloseTo(51, 12); // 10 s at 100 ppm = 1 ms
    expect(c.read(10_000)).toBeCloseTo(10_051, 9);
  });

  it('a negative drift runs slow', () => {
    const c = new PhysicalClock(0, -200, 1_000);
    expect(c.offsetAt(1_000)).toBe(0);
    expect(c.offsetAt(6_000)).toBeCloseTo(-1, 12); // 5 s at −200 ppm
  });

  it('drift is measured from the reference time given at construction', () => {
    const c = new PhysicalClock(10, 1_000, 2_000);
    expect(c.offsetAt(2_000)).toBe(10);
    expect(c.offsetAt(3_000)).toBeCloseTo(11, 12);
  });

  it('set offsetMs makes that the current offset and drift continues from there', () => {
    const c = new PhysicalClock(0, 100, 0);
    c.set({ offsetMs: 30 }, 10_000);
    expect(c.offsetAt(10_000)).toBe(30);
    expect(c.offsetAt(20_000)).toBeCloseTo(31, 12);
    expect(c.driftPpm).toBe(100);
  });

  it('set stepMs jumps the clock by that much, forward or back', () => {
    const c = new PhysicalClock(5, 0, 0);
    c.set({ stepMs: 500 }, 1_000);
    expect(c.read(1_000)).toBe(1_505);
    c.set({ stepMs: -800 }, 2_000); // offset 505 → −295
    expect(c.read(2_000)).toBe(1_705);
  });

  it('set with offsetMs and stepMs applies the offset first, then adds the step', () => {
    const c = new PhysicalClock(5, 0, 0);
    c.set({ offsetMs: 100, stepMs: -40 }, 0);
    expect(c.offsetAt(0)).toBe(60);
  });

  it('set driftPpm alone keeps the offset continuous and changes only the rate from then on', () => {
    const c = new PhysicalClock(0, 100, 0);
    c.set({ driftPpm: -100 }, 10_000); // offset was 1 ms here
    expect(c.offsetAt(10_000)).toBeCloseTo(1, 12);
    expect(c.offsetAt(20_000)).toBeCloseTo(0, 12);
    expect(c.driftPpm).toBe(-100);
  });

  it('rejects a drift at which the clock would stop or run backwards', () => {
    expect(() => new PhysicalClock(0, -1e6)).toThrow(RangeError);
    expect(() => new PhysicalClock(0, 0).set({ driftPpm: Number.NaN }, 0)).toThrow(RangeError);
  });

  it('trueTimeAt inverts read: the clock shows at least the target then, and not measurably later', () => {
    const rnd = prng(7);
    for (let k = 0; k < 2_000; k++) {
      const c = new PhysicalClock((rnd() - 0.5) * 2_000, (rnd() - 0.5) * 2_000, rnd() * 1e6);
      const target = rnd() * 1e7;
      const t = c.trueTimeAt(target);
      expect(c.read(t)).toBeGreaterThanOrEqual(target);
      expect(c.read(t) - target).toBeLessThan(1e-6);
    }
  });
});

describe('nextUp', () => {
  it('returns a value strictly above x and within two ulps', () => {
    for (const x of [0, 1, 300, 300.1, -300, 1e-320, 123456789.123, -1e-300]) {
      const up = nextUp(x);
      expect(up).toBeGreaterThan(x);
      expect(up - x).toBeLessThanOrEqual(Math.max(Math.abs(x) * Number.EPSILON * 2, Number.MIN_VALUE));
    }
  });
});
