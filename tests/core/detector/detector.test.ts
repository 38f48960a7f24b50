// Unit tests of the failure detectors: timeout suspicion and clearing, timer times, and phi growing with silence.
import { describe, it, expect } from 'vitest';
import { PhiAccrualDetector, TimeoutDetector } from '../../../src/core/detector/detector';

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

describe('TimeoutDetector', () => {
  it('suspects a peer silent for more than suspectAfterMs, not at exactly suspectAfterMs', () => {
    const d = new TimeoutDetector(['n2', 'n3'], 300, 0);
    d.heard('n2', 100);
    expect(d.check(300)).toEqual([]);
    expect(d.check(300.5)).toEqual(['n3']); // silent since the start (0)
    expect(d.check(400)).toEqual([]); // exactly 300 ms after n2 was heard
    expect(d.check(400.001)).toEqual(['n2']);
    expect(d.suspects()).toEqual(['n2', 'n3']);
    expect(d.check(1_000)).toEqual([]); // already suspected: reported once
  });

  it('nextCheckAt is the first instant after the earliest deadline, and a check then suspects', () => {
    const d = new TimeoutDetector(['a', 'b'], 300, 0);
    d.heard('a', 50);
    d.heard('b', 20);
    const at = d.nextCheckAt()!;
    expect(at).toBeGreaterThan(320);
    expect(at - 320).toBeLessThan(1e-9);
    expect(d.check(at)).toEqual(['b']);
    expect(d.nextCheckAt()!).toBeGreaterThan(350);
    d.check(351);
    expect(d.nextCheckAt()).toBeUndefined(); // everyone suspected: no timer needed
  });

  it('clears a suspicion as soon as the peer is heard, and says so', () => {
    const d = new TimeoutDetector(['n2'], 300, 0);
    d.check(301);
    expect(d.isSuspected('n2')).toBe(true);
    expect(d.heard('n2', 350)).toBe(true);
    expect(d.suspects()).toEqual([]);
    expect(d.isSuspected('n2')).toBe(false);
    expect(d.heard('n2', 360)).toBe(false);
    expect(d.nextCheckAt()!).toBeGreaterThan(660);
  });

  it('never suspects peers heard every suspectAfterMs / 3 with jitter below the rest of the timeout', () => {
    const rnd = prng(3);
    const d = new TimeoutDetector(['a', 'b', 'c'], 300, 0);
    const next = [0, 0, 0].map(() => rnd() * 100);
    for (let t = 0; t < 60_000; t += 1) {
      for (let i = 0; i < 3; i++) {
        if (next[i] <= t) {
          d.heard(d.peers[i], t);
          next[i] = t + 100 + rnd() * 50; // heartbeat period plus latency jitter
        }
      }
      if (t % 37 === 0) expect(d.check(t)).toEqual([]);
    }
    expect(d.suspects()).toEqual([]);
  });

  it('ignores messages from ids that are not peers (clients, the time server)', () => {
    const d = new TimeoutDetector(['n2'], 300, 0);
    expect(d.heard('time', 10)).toBe(false);
    expect(d.isSuspected('time')).toBe(false);
    expect(d.lastHeard('time')).toBeUndefined();
  });

  it('hands out a suspect list that later changes do not mutate', () => {
    const d = new TimeoutDetector(['a', 'b'], 100, 0);
    d.check(101);
    const snapshot = d.suspects();
    d.heard('a', 150);
    expect(snapshot).toEqual(['a', 'b']);
    expect(d.suspects()).toEqual(['b']);
  });

  it('reset (a restarted node) suspects no one and counts every peer as heard then', () => {
    const d = new TimeoutDetector(['a', 'b'], 100, 0);
    d.check(500);
    d.reset(1_000);
    expect(d.suspects()).toEqual([]);
    expect(d.check(1_100)).toEqual([]);
    expect(d.check(1_100.01)).toEqual(['a', 'b']);
  });
});

describe('PhiAccrualDetector', () => {
  const regular = (d: PhiAccrualDetector, peer: string, from: number, to: number, periodMs: number): void => {
    for (let t = from; t <= to; t += periodMs) d.heard(peer, t);
  };

  it('phi grows with silence, from near 0 just after a heartbeat to past the threshold', () => {
    const d = new PhiAccrualDetector(['p'], { threshold: 8 }, 0);
    regular(d, 'p', 0, 5_000, 100);
    let prev = -Infinity;
    for (let silence = 0; silence <= 400; silence += 10) {
      const phi = d.phi('p', 5_000 + silence);
      expect(phi).toBeGreaterThanOrEqual(prev);
      prev = phi;
    }
    expect(d.phi('p', 5_000)).toBeLessThan(0.01);
    expect(d.phi('p', 5_100)).toBeCloseTo(-Math.log10(0.5), 6); // at the mean gap, P(longer) = 1/2
    expect(d.phi('p', 5_400)).toBeGreaterThan(8);
  });

  it('suspects exactly when phi passes the threshold, and nextCheckAt is that moment', () => {
    const d = new PhiAccrualDetector(['p'], { threshold: 8, minStdDevMs: 10 }, 0);
    regular(d, 'p', 0, 5_000, 100);
    const at = d.nextCheckAt()!;
    // Regular 100 ms gaps: mean 100, sd at its 10 ms floor; phi = 8 about 5.2 sd past the mean.
    expect(at - 5_000).toBeGreaterThan(150);
    expect(at - 5_000).toBeLessThan(155);
    expect(d.phi('p', at)).toBeCloseTo(8, 6);
    expect(d.check(at - 0.01)).toEqual([]);
    expect(d.check(at)).toEqual(['p']);
    expect(d.heard('p', at + 5)).toBe(true);
    expect(d.suspects()).toEqual([]);
  });

  it('adapts to each peer: a peer with slower, noisier heartbeats gets more slack', () => {
    const rnd = prng(11);
    const d = new PhiAccrualDetector(['fast', 'slow'], {}, 0);
    regular(d, 'fast', 0, 10_000, 50);
    for (let t = 0; t <= 10_000; t += 150 + rnd() * 100) d.heard('slow', t);
    const silence = 300;
    expect(d.phi('fast', 10_000 + silence)).toBeGreaterThan(d.phi('slow', 10_000 + silence));
    expect(d.meanGapMs('fast')).toBeCloseTo(50, 6);
  });

  it('shares the timeout detector interface: reset clears suspicions', () => {
    const d = new PhiAccrualDetector(['p'], {}, 0);
    d.check(10_000);
    expect(d.suspects()).toEqual(['p']);
    d.reset(10_000);
    expect(d.suspects()).toEqual([]);
    expect(d.nextCheckAt()!).toBeGreaterThan(10_000);
  });
});
