// Column (src/core/column.ts): reads as the array it stands for under any mix of changes, restores exactly, announces what changed in its leaves, and shares them.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Column, LeafPool } from '../../src/core/column';
import { Snapshotter, fingerprint } from '../../src/sim/snapshot';

type Op = { push: number } | { set: [number, number] } | { truncate: number } | { dropFront: number } | { save: true } | { restore: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.record({ push: fc.integer({ min: -5, max: 1e9 }) }), weight: 12 },
  { arbitrary: fc.record({ set: fc.tuple(fc.nat(400), fc.integer()) }), weight: 2 },
  { arbitrary: fc.record({ truncate: fc.nat(300) }), weight: 2 },
  { arbitrary: fc.record({ dropFront: fc.nat(80) }), weight: 1 },
  { arbitrary: fc.record({ save: fc.constant(true as const) }), weight: 2 },
  { arbitrary: fc.record({ restore: fc.nat(20) }), weight: 2 },
);

describe('Column', () => {
  it('reads like the plain array it stands for after any pushes, sets, cuts, saves and restores (seeded)', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 400 }), fc.nat(300), (ops, prefill) => {
        const root = { col: new Column<number | undefined>() };
        const model: Array<number | undefined> = [];
        for (let i = 0; i < prefill; i++) {
          root.col.push(i);
          model.push(i);
        }
        const s = new Snapshotter();
        const saves: Array<{ snap: ReturnType<Snapshotter['take']>; model: Array<number | undefined> }> = [];
        const leavesNow = (): unknown[] => Array.from({ length: root.col.leafCount }, (_, j) => root.col.leaf(j));
        for (const o of ops) {
          // What a cache over the full leaves relies on (AppendIndex): below the lowest change
          // announced, the leaves held both before and after an operation are the same objects.
          const changes = root.col.changes;
          const before = leavesNow();
          if ('push' in o) {
            root.col.push(o.push);
            model.push(o.push);
          } else if ('set' in o) {
            const [i, v] = o.set;
            root.col.set(i, v);
            while (model.length < i) model.push(undefined);
            model[i] = v;
          } else if ('truncate' in o) {
            root.col.truncate(o.truncate);
            if (o.truncate < model.length) model.length = o.truncate;
          } else if ('dropFront' in o) {
            root.col.dropFront(o.dropFront);
            model.splice(0, o.dropFront);
          } else if ('save' in o) {
            saves.push({ snap: s.take(root), model: model.slice() });
          } else if (saves.length > 0) {
            const back = saves[o.restore % saves.length];
            s.restore(back.snap);
            model.length = 0;
            model.push(...back.model);
          }
          expect(root.col.length).toBe(model.length);
          const low = root.col.changedSince(changes) / 64;
          const after = leavesNow();
          for (let j = 0; j < Math.min(low, before.length, after.length); j++) expect(after[j]).toBe(before[j]);
          if (root.col.changes === changes) expect(low).toBe(Infinity);
        }
        expect(root.col.toArray()).toEqual(model);
        for (let i = -1; i <= model.length; i++) expect(root.col.at(i)).toBe(model[i]);
        expect(root.col.last()).toBe(model[model.length - 1]);
        for (const [a, b] of [[0, model.length], [0, 1], [63, 130], [model.length - 70, model.length + 5], [5, 3], [64, 128]]) expect(root.col.slice(a, b)).toEqual(model.slice(Math.max(0, a), Math.max(0, b)));
        expect(root.col.slice(model.length >> 1)).toEqual(model.slice(model.length >> 1));
        for (let j = 0; j < root.col.leafCount; j++) expect(root.col.leaf(j)).toEqual(model.slice(64 * j, 64 * j + 64));
        expect(root.col.leaf(root.col.leafCount)).toBeUndefined();
        for (const i of [0, 1, 63, 64, 65, 130, model.length - 1, model.length >> 1]) {
          const v = model[i];
          for (const from of [0, i, i + 1, 64, 100, model.length]) expect(root.col.indexOf(v, from), `indexOf(${v}, ${from})`).toBe(model.indexOf(v, from));
        }
      }),
      { seed: 20261204, numRuns: 300 },
    );
  });

  it('a restored column equals one built afresh to the same elements (fingerprint), and a restore moves leaves, not elements', () => {
    const root = { col: new Column<number>() };
    const s = new Snapshotter();
    for (let i = 0; i < 1000; i++) root.col.push(i * 3);
    const early = s.take(root);
    const print = fingerprint(root);
    for (let i = 0; i < 50_000; i++) root.col.push(i);
    const late = s.take(root);
    s.restore(early);
    expect(fingerprint(root)).toBe(print);
    expect(root.col.length).toBe(1000);
    s.restore(late);
    expect(root.col.length).toBe(51_000);
    expect(root.col.at(50_999)).toBe(49_999);
    // The later snapshot added the new leaves once: about 8.75 bytes an element, not twice that.
    expect(late.bytes).toBeLessThan(50_000 * 10);
  });

  it('columns on one pool share equal full leaves; the pool remembers only recent leaves', () => {
    const pool = new LeafPool(16);
    const items = Array.from({ length: 64 * 40 }, (_, i) => Object.freeze({ i }));
    const a = new Column<object>(pool);
    const b = new Column<object>(pool);
    for (const x of items) a.push(x);
    for (const x of items.slice(0, 64 * 3)) b.push(x);
    // b's first leaves were made long after a's (40 leaves ago): not remembered, so not shared.
    const leafOf = (c: Column<object>, j: number): unknown => (c as unknown as { full: unknown[] }).full[j];
    expect(leafOf(b, 0)).not.toBe(leafOf(a, 0));
    // In step (what five nodes' copies of one log do), they are.
    const c = new Column<object>(pool);
    const d = new Column<object>(pool);
    for (const x of items) {
      c.push(x);
      d.push(x);
    }
    for (let j = 0; j < 40; j++) expect(leafOf(d, j)).toBe(leafOf(c, j));
    expect(d.toArray()).toEqual(items);
  });
});
