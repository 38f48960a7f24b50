// Property test (fast-check) of the Snapshotter alone: marked (appendOnly) arrays, Maps and Sets under random
// growth, announced changes (cuts, replacements, deletes) and saves and restores in any order. After every
// restore each holds exactly what was saved: the part a restore keeps as known unchanged never differs.
// Values are numbers from a small pool or frozen objects, made anew as a replay makes them (equal, not the same).
//
//   FC_RUNS=5000 npx vitest run tests/sim/snapshotterSequences.test.ts    more sequences (default 3000)
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { appendOnly, shrunk } from '../../src/core/appendOnly';
import { Snapshotter } from '../../src/sim/snapshot';

const RUNS = Number(process.env.FC_RUNS ?? (process.env.FULL === '1' ? 20000 : 3000));
const SEED = Number(process.env.FC_SEED ?? 20261205);

type Op =
  | { kind: 'grow'; n: number; fresh: boolean; salt: number }
  | { kind: 'cut'; at: number }
  | { kind: 'replace'; at: number; salt: number }
  | { kind: 'setKey'; key: number; salt: number; fresh: boolean }
  | { kind: 'deleteKey'; key: number }
  | { kind: 'replaceValue'; at: number; salt: number; fresh: boolean }
  | { kind: 'save' }
  | { kind: 'restore'; pick: number };

/** Mostly a few keys (values replaced, keys deleted and set again), sometimes many. */
const key = fc.oneof({ weight: 3, arbitrary: fc.nat(4) }, { weight: 1, arbitrary: fc.nat(150) });

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('grow' as const), n: fc.oneof(fc.integer({ min: 1, max: 70 }), fc.integer({ min: 100, max: 2500 })), fresh: fc.boolean(), salt: fc.nat(3) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('cut' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('replace' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), salt: fc.nat(3) }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('setKey' as const), key, salt: fc.nat(3), fresh: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('deleteKey' as const), key }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('replaceValue' as const), at: fc.double({ min: 0, max: 1, noNaN: true }), salt: fc.nat(3), fresh: fc.boolean() }) },
  { weight: 3, arbitrary: fc.constant<Op>({ kind: 'save' }) },
  // Any save, or one of the last two (a step back).
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('restore' as const), pick: fc.nat(1000) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('restore' as const), pick: fc.integer({ min: -2, max: -1 }) }) },
);

/** A value: a number, or a frozen object equal to others made with the same arguments but not the same one. */
const value = (i: number, salt: number, fresh: boolean): unknown => (fresh ? Object.freeze({ v: i % 5, salt }) : (i % 7) + salt);

interface Root {
  arr: unknown[];
  map: Map<unknown, unknown>;
  set: Set<unknown>;
}

function contents(r: Root): { arr: unknown[]; map: unknown[]; set: unknown[] } {
  return { arr: r.arr.slice(), map: [...r.map].flat(), set: [...r.set] };
}

function same(a: unknown[], b: unknown[]): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return i;
  return -1;
}

const sequence = fc.array(op, { minLength: 3, maxLength: 40 });

function check(ops: readonly Op[]): void {
  const r: Root = { arr: appendOnly([]), map: appendOnly(new Map()), set: appendOnly(new Set()) };
  const s = new Snapshotter();
  const saves = [{ state: s.take(r), want: contents(r) }];
  let setNext = 0;
  for (const x of ops) {
    switch (x.kind) {
      case 'grow': {
        for (let i = 0; i < x.n; i++) r.arr.push(value(r.arr.length + i, x.salt, x.fresh));
        // The Set grows by new elements (numbers never used, or new objects).
        for (let i = 0; i < Math.min(x.n, 40); i++) r.set.add(x.fresh ? Object.freeze({ n: setNext++ }) : setNext++);
        break;
      }
      case 'cut': {
        const at = Math.floor(x.at * r.arr.length);
        r.arr.splice(at);
        shrunk(r.arr, at);
        const keep = [...r.set].slice(0, Math.floor(x.at * r.set.size));
        const cutAt = keep.length;
        for (const v of [...r.set].slice(cutAt)) r.set.delete(v);
        shrunk(r.set, cutAt);
        break;
      }
      case 'replace': {
        if (r.arr.length === 0) break;
        const at = Math.min(r.arr.length - 1, Math.floor(x.at * r.arr.length));
        r.arr[at] = value(at, x.salt + 4, false);
        shrunk(r.arr, at);
        break;
      }
      case 'setKey': {
        const v = value(x.key, x.salt, x.fresh);
        if (r.map.has(x.key)) {
          const pos = [...r.map.keys()].indexOf(x.key);
          if (Object.is(r.map.get(x.key), v)) break;
          r.map.set(x.key, v);
          shrunk(r.map, pos);
        } else r.map.set(x.key, v);
        break;
      }
      case 'replaceValue': {
        // An entry's value replaced in place (its key keeps its position), announced.
        if (r.map.size === 0) break;
        const pos = Math.min(r.map.size - 1, Math.floor(x.at * r.map.size));
        const k = [...r.map.keys()][pos];
        r.map.set(k, value(pos, x.salt + 8, x.fresh));
        shrunk(r.map, pos);
        break;
      }
      case 'deleteKey': {
        if (!r.map.has(x.key)) break;
        const pos = [...r.map.keys()].indexOf(x.key);
        r.map.delete(x.key);
        shrunk(r.map, pos);
        break;
      }
      case 'save':
        saves.push({ state: s.take(r), want: contents(r) });
        break;
      case 'restore': {
        const i = x.pick < 0 ? Math.max(0, saves.length + x.pick) : x.pick % saves.length;
        s.restore(saves[i].state);
        const got = contents(r);
        for (const k of ['arr', 'map', 'set'] as const) {
          const d = same(got[k], saves[i].want[k]);
          expect(d, `${k} after restoring save ${i}: first difference at ${d} (of ${saves[i].want[k].length})`).toBe(-1);
        }
        break;
      }
    }
  }
}

describe('Snapshotter: marked collections under random changes, saves and restores', () => {
  it('every restore gives back exactly the saved array, Map and Set', () => {
    fc.assert(fc.property(sequence, (ops) => check(ops)), { numRuns: RUNS, seed: SEED });
  }, 300_000);
});
