// Unit tests of the hold-back buffer: release order, release by time, late detection, and a seed sweep.
import { describe, it, expect } from 'vitest';
import { HoldbackBuffer, compareItems, type HoldbackItem } from '../../../src/core/clocks/holdback';

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

const item = (correctedTs: number, lamport: number, id: string): HoldbackItem<string> => ({ correctedTs, lamport, id, payload: id });
const ids = (xs: readonly HoldbackItem[]): string[] => xs.map((x) => x.id);

describe('HoldbackBuffer', () => {
  it('releases in (correctedTs, lamport, id) order whatever the arrival order', () => {
    const b = new HoldbackBuffer<string>(100);
    for (const x of [item(20, 1, 'e'), item(10, 5, 'c'), item(10, 2, 'b'), item(10, 5, 'd'), item(5, 9, 'a')]) {
      expect(b.add(x)).toBe(false);
    }
    expect(ids(b.release(1_000))).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(b.size).toBe(0);
    expect(b.releasedCount).toBe(5);
  });

  it('holds an item until it is maxDelayMs old by its corrected timestamp, then releases it', () => {
    const b = new HoldbackBuffer<string>(100);
    b.add(item(1_000, 1, 'x'));
    b.add(item(1_030, 2, 'y'));
    expect(b.nextReleaseAt()).toBe(1_100);
    expect(b.release(1_099.9)).toEqual([]);
    expect(ids(b.release(1_100))).toEqual(['x']); // exactly maxDelayMs old counts
    expect(b.nextReleaseAt()).toBe(1_130);
    expect(ids(b.release(1_200))).toEqual(['y']);
    expect(b.nextReleaseAt()).toBeUndefined();
  });

  it('appends to a caller-supplied array so a host can reuse one', () => {
    const b = new HoldbackBuffer<string>(0);
    const out: HoldbackItem<string>[] = [];
    b.add(item(1, 1, 'a'));
    expect(b.release(5, out)).toBe(out);
    expect(ids(out)).toEqual(['a']);
  });

  it('reports an item as late when a later-ordered one was already released, and does not hold it', () => {
    const b = new HoldbackBuffer<string>(100);
    b.add(item(1_000, 3, 'm1'));
    expect(ids(b.release(1_100))).toEqual(['m1']);
    expect(b.add(item(990, 9, 'old'))).toBe(true); // earlier timestamp: cannot be ordered any more
    expect(b.add(item(1_000, 2, 'tie-lower-lamport'))).toBe(true);
    expect(b.add(item(1_000, 3, 'm0'))).toBe(true); // same ts and lamport, smaller id
    expect(b.add(item(1_000, 3, 'm1'))).toBe(false); // an exact duplicate of the last released is held
    expect(b.add(item(1_001, 0, 'next'))).toBe(false);
    expect(b.lateCount).toBe(3);
    expect(b.size).toBe(2);
  });

  it('clear forgets held and released items', () => {
    const b = new HoldbackBuffer<string>(10);
    b.add(item(0, 1, 'a'));
    b.release(50);
    b.add(item(100, 1, 'b'));
    b.clear();
    expect(b.size).toBe(0);
    expect(b.add(item(-5, 0, 'c'))).toBe(false);
  });

  it('over many seeds, driven by its own release times: output is ordered, nothing is lost or doubled, and lateness is exact', () => {
    let lateSeen = 0;
    for (let seed = 1; seed <= 300; seed++) {
      const rnd = prng(seed);
      const maxDelayMs = 20 + Math.floor(rnd() * 100);
      // Some seeds keep every delay under maxDelayMs (then nothing may be late); others exceed it.
      const worstDelayMs = seed % 2 === 0 ? maxDelayMs * 0.999 : maxDelayMs * 3;
      const n = 50 + Math.floor(rnd() * 150);
      const arrivals: { at: number; it: HoldbackItem<number> }[] = [];
      for (let k = 0; k < n; k++) {
        const ts = Math.floor(rnd() * 2_000); // integers so ties in ts happen and lamport/id decide
        const it = { correctedTs: ts, lamport: Math.floor(rnd() * 5), id: `m${k}`, payload: k };
        arrivals.push({ at: ts + rnd() * worstDelayMs, it });
      }
      arrivals.sort((a, b) => a.at - b.at);

      const b = new HoldbackBuffer<number>(maxDelayMs);
      const released: HoldbackItem<number>[] = [];
      const late: HoldbackItem<number>[] = [];
      let greatest: HoldbackItem<number> | undefined;
      let next = 0;
      for (;;) {
        const due = b.nextReleaseAt();
        const arrivalAt = next < arrivals.length ? arrivals[next].at : Infinity;
        if (due === undefined && arrivalAt === Infinity) break;
        if (arrivalAt <= (due ?? Infinity)) {
          const { it } = arrivals[next++];
          const expectLate = greatest !== undefined && compareItems(it, greatest) < 0;
          expect(b.add(it), `seed ${seed}: ${it.id}`).toBe(expectLate);
          if (expectLate) late.push(it);
        } else {
          const out = b.release(due!);
          expect(out.length, `seed ${seed}: a timer at nextReleaseAt released nothing`).toBeGreaterThan(0);
          for (const x of out) {
            expect(due! - x.correctedTs).toBeGreaterThanOrEqual(maxDelayMs);
            if (greatest !== undefined) expect(compareItems(greatest, x), `seed ${seed}`).toBeLessThanOrEqual(0);
            greatest = x;
            released.push(x);
          }
        }
      }
      expect(released.length + late.length, `seed ${seed}`).toBe(n);
      expect(new Set([...released, ...late].map((x) => x.id)).size).toBe(n);
      expect(b.lateCount).toBe(late.length);
      if (worstDelayMs < maxDelayMs) expect(late, `seed ${seed}`).toEqual([]);
      lateSeen += late.length;
    }
    expect(lateSeen).toBeGreaterThan(0); // the long-delay seeds did exercise late detection
  });
});
