// The dedup window is derived from the stored commands (not kept in the state snapshots walk): it matches a plain model through retention, clones and snapshot restores.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { apply, cloneBrokerState, createBrokerState, lookupDuplicate, pubCommand, type BrokerState } from '../../../src/core/broker/state';
import { Snapshotter, type SavedState } from '../../../src/sim/snapshot';

/** Every string reachable from `root` through own properties, arrays, Maps and Sets, except through a log command (op 'pub'). */
function stringsOutsideCommands(root: unknown): Set<string> {
  const out = new Set<string>();
  const seen = new Set<unknown>();
  const walk = (v: unknown): void => {
    if (typeof v === 'string') out.add(v);
    if (typeof v !== 'object' || v === null || seen.has(v)) return;
    seen.add(v);
    if ((v as { op?: unknown }).op === 'pub') return;
    if (v instanceof Map) {
      for (const [k, x] of v) {
        walk(k);
        walk(x);
      }
    }
    else if (v instanceof Set) for (const x of v) walk(x);
    else for (const x of Object.values(v)) walk(x);
  };
  walk(root);
  return out;
}

/** The plain model: every stored id in order, per topic; a duplicate is an id among the last `window` stored. */
class Model {
  stored = new Map<string, string[]>();
  apply(topic: string, id: string, window: number): 'stored' | number {
    const ids = this.stored.get(topic) ?? [];
    this.stored.set(topic, ids);
    const from = Math.max(0, ids.length - window);
    const at = window === 0 ? -1 : ids.indexOf(id, from);
    if (at >= 0) return at + 1;
    ids.push(id);
    return 'stored';
  }
  copy(): Model {
    const m = new Model();
    for (const [t, ids] of this.stored) m.stored.set(t, ids.slice());
    return m;
  }
}

describe('derived dedup window', () => {
  it('a saved state of the broker holds no id of the window apart from the commands themselves', () => {
    const s = createBrokerState({ dedupWindow: 10 });
    for (let i = 1; i <= 25; i++) apply(s, i, pubCommand('t', `id${i}`, `m${i}`, i, i, i));
    expect(lookupDuplicate(s, 't', 'id20')).toBe(20);
    expect(lookupDuplicate(s, 't', 'id15')).toBeUndefined();
    const strings = stringsOutsideCommands(s);
    for (let i = 1; i <= 25; i++) expect(strings.has(`id${i}`)).toBe(false);
  });

  it('keeps the ids of records retention dropped while they are in the window', () => {
    const s = createBrokerState({ dedupWindow: 8, retain: 2 });
    for (let i = 1; i <= 9; i++) apply(s, i, pubCommand('t', `id${i}`, 'm', i, i, i));
    expect(s.topics.get('t')!.commands.length).toBeLessThan(4);
    expect(lookupDuplicate(s, 't', 'id2')).toBe(2);
    expect(lookupDuplicate(s, 't', 'id1')).toBeUndefined();
    const c = cloneBrokerState(s);
    expect(apply(c, 10, pubCommand('t', 'id3', 'm', 10, 10, 10))).toMatchObject({ kind: 'duplicate', offset: 3 });
    expect(apply(c, 11, pubCommand('t', 'id1', 'm', 11, 11, 11))).toMatchObject({ kind: 'stored' });
  });

  it('matches the plain model through retention, clones and snapshot restores (random runs)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 6 }),
        fc.option(fc.integer({ min: 1, max: 7 }), { nil: undefined }),
        fc.array(
          fc.oneof(
            { weight: 8, arbitrary: fc.record({ k: fc.constant('pub' as const), topic: fc.constantFrom('a', 'b'), id: fc.integer({ min: 0, max: 12 }) }) },
            { weight: 1, arbitrary: fc.record({ k: fc.constant('save' as const) }) },
            { weight: 1, arbitrary: fc.record({ k: fc.constant('restore' as const), which: fc.nat() }) },
            { weight: 1, arbitrary: fc.record({ k: fc.constant('clone' as const) }) },
          ),
          { minLength: 20, maxLength: 80 },
        ),
        (window, retain, steps) => {
          const root: { s: BrokerState } = { s: createBrokerState({ dedupWindow: window, retain }) };
          const snap = new Snapshotter();
          let model = new Model();
          const saves: { saved: SavedState; model: Model }[] = [];
          for (const st of steps) {
            if (st.k === 'save') saves.push({ saved: snap.take(root), model: model.copy() });
            else if (st.k === 'restore' && saves.length > 0) {
              const p = saves[st.which % saves.length];
              snap.restore(p.saved);
              model = p.model.copy();
            } else if (st.k === 'clone') root.s = cloneBrokerState(root.s);
            else if (st.k === 'pub') {
              const id = `i${st.id}`;
              for (const t of ['a', 'b']) {
                const want = model.stored.has(t) ? model.copy().apply(t, id, window) : 'stored';
                expect(lookupDuplicate(root.s, t, id) ?? 'stored').toEqual(want);
              }
              const r = apply(root.s, root.s.appliedIndex + 1, pubCommand(st.topic, id, 'm', 1, 1, 1));
              const want = model.apply(st.topic, id, window);
              if (want === 'stored') expect(r.kind).toBe('stored');
              else expect(r).toMatchObject({ kind: 'duplicate', offset: want });
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
