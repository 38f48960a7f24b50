// AppendIndex: a saved state restores it exactly, backward and forward, and its lookup cache never answers for keys the restored arrays no longer hold.
import { describe, expect, it } from 'vitest';
import { AppendIndex } from '../../src/sim/appendIndex';
import { Snapshotter, fingerprint } from '../../src/sim/snapshot';

describe('AppendIndex', () => {
  it('adds keys once and finds them', () => {
    const ix = new AppendIndex<string, number>();
    expect(ix.add('a', 1)).toBe(true);
    expect(ix.add('a', 2)).toBe(false);
    expect(ix.get('a')).toBe(1);
    expect(ix.has('b')).toBe(false);
    expect(ix.size).toBe(1);
  });

  it('restores backward and forward; stale cache entries are not trusted', () => {
    const root = { ix: new AppendIndex<string, number>() };
    const s = new Snapshotter();
    for (let i = 0; i < 300; i++) root.ix.add(`k${i}`, i);
    const early = s.take(root);
    const fpEarly = fingerprint(root);
    for (let i = 300; i < 1000; i++) root.ix.add(`k${i}`, i);
    const late = s.take(root);
    const fpLate = fingerprint(root);
    s.restore(early);
    expect(fingerprint(root)).toBe(fpEarly);
    expect(root.ix.size).toBe(300);
    expect(root.ix.has('k299')).toBe(true);
    expect(root.ix.has('k300')).toBe(false);
    expect(root.ix.get('k999')).toBeUndefined();
    // A different future: other keys take the positions the dropped ones had.
    for (let i = 0; i < 500; i++) root.ix.add(`x${i}`, -i);
    expect(root.ix.has('k400')).toBe(false);
    expect(root.ix.get('x10')).toBe(-10);
    s.restore(late);
    expect(fingerprint(root)).toBe(fpLate);
    expect(root.ix.get('k400')).toBe(400);
    expect(root.ix.has('x10')).toBe(false);
    expect(root.ix.add('k999', 0)).toBe(false);
    expect(root.ix.add('x10', 7)).toBe(true);
    s.restore(early);
    expect(root.ix.has('x10')).toBe(false);
    expect(root.ix.get('k5')).toBe(5);
  });

  it('random adds, forks and restores: lookups always agree with the keys held (seeded)', () => {
    for (let seed = 1; seed <= 60; seed++) {
      let x = seed;
      const rnd = (n: number): number => {
        x = (x * 1103515245 + 12345) % 2147483648;
        return x % n;
      };
      const root = { ix: new AppendIndex<string, number>() };
      const s = new Snapshotter();
      const saved: Array<{ snap: ReturnType<Snapshotter['take']>; keys: string[] }> = [];
      let model: string[] = [];
      let fork = 0;
      for (let step = 0; step < 80; step++) {
        const op = rnd(4);
        if (op === 0 && saved.length > 0) {
          const pick = saved[rnd(saved.length)];
          s.restore(pick.snap);
          model = pick.keys.slice();
        } else if (op === 1) {
          saved.push({ snap: s.take(root), keys: model.slice() });
        } else {
          // A fork puts other keys where earlier ones were, or the same keys at other places.
          if (rnd(3) === 0) fork++;
          const count = rnd(200);
          for (let i = 0; i < count; i++) {
            const k = fork % 3 === 2 ? `f${fork}-${model.length}` : `k${model.length + 7 * (fork % 3)}`;
            if (root.ix.add(k, model.length)) model.push(k);
          }
        }
        expect(root.ix.size, `seed ${seed} step ${step}`).toBe(model.length);
        for (let probe = 0; probe < 20; probe++) {
          const i = rnd(model.length + 50);
          const k = i < model.length ? model[i] : `k${i}`;
          const at = model.indexOf(k);
          expect(root.ix.get(k), `seed ${seed} step ${step} key ${k}`).toBe(at < 0 ? undefined : at);
        }
      }
    }
  });

  it('a leaf restored again at the same place is not re-indexed', () => {
    const root = { ix: new AppendIndex<string, number>() };
    const s = new Snapshotter();
    root.ix.add('k0', 0);
    const early = s.take(root);
    for (let i = 1; i < 6400; i++) root.ix.add(`k${i}`, i);
    const late = s.take(root);
    s.restore(early);
    expect(root.ix.has('k1')).toBe(false);
    s.restore(late);
    expect(root.ix.get('k6000')).toBe(6000);
    s.restore(early);
    expect(root.ix.has('k6000')).toBe(false);
    s.restore(late);
    const get = Map.prototype.get;
    let reads = 0;
    Map.prototype.get = function (this: Map<unknown, unknown>, k: unknown) {
      reads++;
      return get.call(this, k);
    };
    try {
      expect(root.ix.get('k6399')).toBe(6399);
      expect(root.ix.has('k1')).toBe(true);
    } finally {
      Map.prototype.get = get;
    }
    // Two lookups and the rest of the one leaf the early state held part of, not 6,400 keys read again.
    expect(reads).toBeLessThan(100);
  });

  it('a key moved to another place (a fork) makes its old leaf be read again', () => {
    for (const via of ['add', 'restore'] as const) {
      const root = { ix: new AppendIndex<string, number>() };
      const s = new Snapshotter();
      const empty = s.take(root);
      // A fork where k5 sits at position 1 (saved first, so that A's restore is the later reading).
      root.ix.add('x0', 0);
      root.ix.add('k5', 1);
      const fork = s.take(root);
      s.restore(empty);
      for (let i = 0; i < 128; i++) root.ix.add(`k${i}`, i);
      const a = s.take(root);
      s.restore(empty);
      s.restore(a);
      expect(root.ix.get('k5')).toBe(5);
      s.restore(empty);
      if (via === 'add') {
        root.ix.add('x0', 0);
        root.ix.add('k5', 1);
      } else {
        s.restore(fork);
        expect(root.ix.get('k5')).toBe(1);
      }
      s.restore(a);
      expect(root.ix.get('k5'), via).toBe(5);
      expect(root.ix.has('x0'), via).toBe(false);
    }
  });

  it('a restore that changes the tail alone (a fork with the same full leaves) is noticed', () => {
    const root = { ix: new AppendIndex<string, number>() };
    const s = new Snapshotter();
    for (let i = 0; i < 64; i++) root.ix.add(`k${i}`, i);
    const base = s.take(root);
    // Fork A: K at 65. Fork B: K at 64, and as many keys: only the tails differ.
    root.ix.add('x', 64);
    root.ix.add('K', 65);
    const a = s.take(root);
    const fpA = fingerprint(root);
    s.restore(base);
    root.ix.add('K', 64);
    root.ix.add('y', 65);
    expect(root.ix.get('K')).toBe(64);
    const b = s.take(root);
    s.restore(a);
    expect(fingerprint(root)).toBe(fpA);
    // The cache maps K to 64 (B): it must find K where A holds it, not call it absent.
    expect(root.ix.get('K')).toBe(65);
    expect(root.ix.has('y')).toBe(false);
    expect(root.ix.add('K', 0)).toBe(false);
    expect(root.ix.size).toBe(66);
    // And back: B's tail again, then one leaf more on top of it (the tail becomes a full leaf).
    s.restore(b);
    expect(root.ix.get('K')).toBe(64);
    expect(root.ix.has('x')).toBe(false);
    for (let i = 66; i < 140; i++) expect(root.ix.add(`m${i}`, i)).toBe(true);
    expect(root.ix.get('y')).toBe(65);
    expect(root.ix.get('m100')).toBe(100);
    s.restore(a);
    expect(root.ix.get('K')).toBe(65);
    expect(root.ix.has('m100')).toBe(false);
  });

  it('full leaves a restore rewrites in place (as many leaves, other keys) are mapped again', () => {
    // Fork A holds K at `inA`, fork B at `inB`, with as many leaves; the cache last reads B.
    for (const [inA, inB] of [[5, 70], [70, 5]]) {
      const root = { ix: new AppendIndex<string, number>() };
      const s = new Snapshotter();
      const empty = s.take(root);
      for (let i = 0; i < 128; i++) root.ix.add(i === inA ? 'K' : `a${i}`, i);
      expect(root.ix.get('K')).toBe(inA);
      const a = s.take(root);
      s.restore(empty);
      for (let i = 0; i < 128; i++) root.ix.add(i === inB ? 'K' : `b${i}`, i);
      expect(root.ix.get('K')).toBe(inB);
      expect(root.ix.get('b127')).toBe(127);
      s.restore(a);
      // The restore announced leaf 0 on changed, and the leaves B had mapped there are not A's.
      const at = `K at ${inA}, then ${inB}`;
      expect(root.ix.get('K'), at).toBe(inA);
      expect(root.ix.get(`a${inB}`), at).toBe(inB);
      expect(root.ix.has('b3'), at).toBe(false);
      expect(root.ix.add('K', 0), at).toBe(false);
    }
  });

  it('a set of keys alone holds no values', () => {
    const ix = new AppendIndex<string>(false);
    ix.add('a');
    expect(ix.has('a')).toBe(true);
    expect(ix.get('a')).toBeUndefined();
  });
});
