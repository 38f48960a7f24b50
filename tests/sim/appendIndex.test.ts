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

  it('a set of keys alone holds no values', () => {
    const ix = new AppendIndex<string>(false);
    ix.add('a');
    expect(ix.has('a')).toBe(true);
    expect(ix.get('a')).toBeUndefined();
  });
});
