// Behaviour of the replicated broker state machine: offsets at apply, the replicated dedup window, idempotent replay.
import { describe, it, expect } from 'vitest';
import {
  DEFAULT_DEDUP_WINDOW,
  cloneBrokerState,
  apply,
  createBrokerState,
  history,
  isPubCommand,
  lookupDuplicate,
  pubCommand,
  recordCount,
  topics,
  type BrokerOptions,
  type BrokerState,
} from '../../../src/core/broker/state';
import { formatHistoryLine } from '../../../src/core/broker/protocol';

let stamp = 0;
/** A publish entry with distinct, recognisable clock values. */
const pub = (topic: string, id: string, message = `m-${id}`) => {
  stamp++;
  return pubCommand(topic, id, message, 1000 + stamp, 1000.5 + stamp, stamp);
};

/** Applies `log` (1-based: log[0] is entry 1) to a fresh state, as a restarted node does. */
function replay(log: readonly unknown[], options?: BrokerOptions): BrokerState {
  const state = createBrokerState(options);
  log.forEach((command, i) => apply(state, i + 1, command));
  return state;
}

describe('apply stores publishes', () => {
  it('assigns offsets 1, 2, 3 … per topic, independently', () => {
    const s = createBrokerState();
    const a1 = apply(s, 1, pub('a', 'x1'));
    const b1 = apply(s, 2, pub('b', 'y1'));
    const a2 = apply(s, 3, pub('a', 'x2'));
    const a3 = apply(s, 4, pub('a', 'x3'));
    expect([a1, b1, a2, a3].map((r) => (r.kind === 'stored' ? `${r.topic}:${r.record.offset}` : r.kind))).toEqual([
      'a:1',
      'b:1',
      'a:2',
      'a:3',
    ]);
    expect(history(s, 'a').map((r) => r.offset)).toEqual([1, 2, 3]);
    expect(topics(s)).toEqual(['a', 'b']);
    expect(recordCount(s)).toBe(4);
    expect(recordCount(s, 'a')).toBe(3);
    expect(recordCount(s, 'nope')).toBe(0);
  });

  it('stores the clock values carried in the entry, so every node stores the same record', () => {
    const s = createBrokerState();
    const command = pubCommand('t', 'id1', 'hello  world', 1234.25, 1240.75, 42);
    const result = apply(s, 1, command);
    const record = { id: 'id1', offset: 1, ts: 1234.25, correctedTs: 1240.75, lamport: 42, message: 'hello  world' };
    // The store keeps the command itself; the record is made from it, the same on every reading.
    expect(result).toEqual({ kind: 'stored', topic: 't', record, command });
    expect(history(s, 't')).toEqual([record]);
  });

  it('stores HTML verbatim and formats it as text', () => {
    const s = createBrokerState();
    apply(s, 1, pubCommand('t', 'x', '<img src=x onerror=alert(1)>', 5, 6, 7));
    const [record] = history(s, 't');
    expect(record.message).toBe('<img src=x onerror=alert(1)>');
    expect(formatHistoryLine('t', record)).toBe('HISTORY t x 1 5 6 7 <img src=x onerror=alert(1)>');
  });

  it('ignores no-ops and other commands but still advances appliedIndex', () => {
    const s = createBrokerState();
    expect(apply(s, 1, null)).toEqual({ kind: 'ignored' });
    expect(apply(s, 2, 'set x 1')).toEqual({ kind: 'ignored' });
    expect(apply(s, 3, { op: 'pub', topic: 't' })).toEqual({ kind: 'ignored' });
    expect(apply(s, 4, pub('t', 'a'))).toMatchObject({ kind: 'stored', record: { offset: 1 } });
    expect(s.appliedIndex).toBe(4);
    expect(recordCount(s)).toBe(1);
  });

  it('recognises only well-formed publish commands', () => {
    expect(isPubCommand(pub('t', 'a'))).toBe(true);
    expect(isPubCommand(null)).toBe(false);
    expect(isPubCommand('PUB t m')).toBe(false);
    expect(isPubCommand({ ...pub('t', 'a'), ts: '5' })).toBe(false);
  });
});

describe('dedup is replicated state keyed by (topic, id)', () => {
  it('answers a repeated id in the same topic as a duplicate of the stored original', () => {
    const s = createBrokerState();
    apply(s, 1, pub('t', 'a', 'first'));
    apply(s, 2, pub('t', 'b'));
    expect(apply(s, 3, pub('t', 'a', 'retry'))).toEqual({ kind: 'duplicate', topic: 't', id: 'a', offset: 1 });
    expect(history(s, 't').map((r) => r.message)).toEqual(['first', 'm-b']);
    expect(s.appliedIndex).toBe(3);
  });

  it('lets the same id through in another topic', () => {
    const s = createBrokerState();
    apply(s, 1, pub('t', 'a'));
    expect(apply(s, 2, pub('u', 'a'))).toMatchObject({ kind: 'stored', topic: 'u' });
  });

  it('lets the leader look up an applied id at PUB time without changing the window', () => {
    const s = createBrokerState({ dedupWindow: 2 });
    apply(s, 1, pub('t', 'a'));
    apply(s, 2, pub('t', 'b'));
    expect(lookupDuplicate(s, 't', 'a')).toBe(1);
    expect(lookupDuplicate(s, 't', 'b')).toBe(2);
    expect(lookupDuplicate(s, 't', 'c')).toBeUndefined();
    expect(lookupDuplicate(s, 'u', 'a')).toBeUndefined();
    // A lookup is not a use: 'a' is still the oldest and is evicted next.
    apply(s, 3, pub('t', 'c'));
    expect(lookupDuplicate(s, 't', 'a')).toBeUndefined();
    expect(lookupDuplicate(s, 't', 'b')).toBe(2);
  });

  it('records an id only when its entry is applied', () => {
    const s = createBrokerState();
    const entry = pub('t', 'a');
    expect(lookupDuplicate(s, 't', 'a')).toBeUndefined();
    apply(s, 1, entry);
    expect(lookupDuplicate(s, 't', 'a')).toBe(1);
  });

  it('catches a duplicate within the default window of 100', () => {
    expect(DEFAULT_DEDUP_WINDOW).toBe(100);
    const log = [pub('t', 'a')];
    for (let i = 0; i < 99; i++) log.push(pub('t', `f${i}`));
    log.push(pub('t', 'a'));
    const s = createBrokerState();
    const results = log.map((c, i) => apply(s, i + 1, c));
    expect(results.at(-1)).toEqual({ kind: 'duplicate', topic: 't', id: 'a', offset: 1 });
    expect(recordCount(s, 't')).toBe(100);
  });

  it('lets a duplicate through when more stores than the window came in between', () => {
    const s = createBrokerState({ dedupWindow: 3 });
    apply(s, 1, pub('t', 'a'));
    apply(s, 2, pub('t', 'b'));
    apply(s, 3, pub('t', 'c'));
    expect(apply(s, 4, pub('t', 'a'))).toMatchObject({ kind: 'duplicate', offset: 1 }); // still in window
    apply(s, 5, pub('t', 'd')); // evicts 'a'
    expect(apply(s, 6, pub('t', 'a'))).toMatchObject({ kind: 'stored', record: { id: 'a', offset: 5 } });
    expect(history(s, 't').filter((r) => r.id === 'a').map((r) => r.offset)).toEqual([1, 5]);
    // The re-stored 'a' is now the newest id, and duplicates of it point to offset 5.
    expect(apply(s, 7, pub('t', 'a'))).toEqual({ kind: 'duplicate', topic: 't', id: 'a', offset: 5 });
  });

  it('remembers exactly the ids of the last window-many stores, however often the ring wraps', () => {
    const size = 5;
    const s = createBrokerState({ dedupWindow: size });
    for (let i = 1; i <= 23; i++) {
      apply(s, i, pub('t', `k${i}`));
      for (let j = 1; j <= i; j++) {
        expect(lookupDuplicate(s, 't', `k${j}`), `after ${i}, k${j}`).toBe(j > i - size ? j : undefined);
      }
    }
  });

  it('keeps the window per topic', () => {
    const s = createBrokerState({ dedupWindow: 1 });
    apply(s, 1, pub('t', 'a'));
    apply(s, 2, pub('u', 'b')); // another topic does not evict t's ids
    expect(apply(s, 3, pub('t', 'a'))).toMatchObject({ kind: 'duplicate' });
  });

  it('stores every retry when dedup is disabled', () => {
    for (const options of [{ dedup: false }, { dedupWindow: 0 }, { dedup: false, dedupWindow: 50 }]) {
      const s = createBrokerState(options);
      apply(s, 1, pub('t', 'a'));
      expect(lookupDuplicate(s, 't', 'a')).toBeUndefined();
      expect(apply(s, 2, pub('t', 'a'))).toMatchObject({ kind: 'stored', record: { offset: 2 } });
      expect(recordCount(s, 't')).toBe(2);
    }
  });

  it('rejects a window that is not a non-negative integer', () => {
    expect(() => createBrokerState({ dedupWindow: -1 })).toThrow(RangeError);
    expect(() => createBrokerState({ dedupWindow: 1.5 })).toThrow(RangeError);
  });
});

describe('apply is idempotent and rebuildable from the log', () => {
  it('treats a re-apply of an already applied index as a no-op', () => {
    const s = createBrokerState();
    const entry = pub('t', 'a');
    apply(s, 1, entry);
    apply(s, 2, pub('t', 'b'));
    const before = cloneBrokerState(s);
    expect(apply(s, 1, entry)).toEqual({ kind: 'already_applied' });
    expect(apply(s, 2, pub('t', 'c'))).toEqual({ kind: 'already_applied' });
    expect(s).toEqual(before);
  });

  it('refuses to skip an entry', () => {
    const s = createBrokerState();
    apply(s, 1, null);
    expect(() => apply(s, 3, pub('t', 'a'))).toThrow(/out of order: index 3 after appliedIndex 1/);
    expect(s.appliedIndex).toBe(1);
  });

  it('rebuilds an identical state from the committed log, as a restarted node does', () => {
    const options = { dedupWindow: 4 };
    const log: unknown[] = [null];
    for (let i = 0; i < 60; i++) {
      const topic = ['orders', 'audit', 'chat'][i % 3];
      // Retries of recent ids, old ids past the window, and no-ops mixed in.
      const id = i % 7 === 0 ? `r${i - 3}` : i % 11 === 0 ? 'old' : `r${i}`;
      log.push(i % 13 === 0 ? null : pub(topic, id, `msg ${i}  <b>`));
    }
    const live = createBrokerState(options);
    const liveResults = log.map((c, i) => apply(live, i + 1, c));
    expect(liveResults.some((r) => r.kind === 'duplicate')).toBe(true);

    const restarted = replay(log, options);
    expect(restarted).toEqual(live);
    expect(restarted.appliedIndex).toBe(log.length);
    for (const topic of topics(live)) expect(history(restarted, topic)).toEqual(history(live, topic));

    // Replaying the same log again over the rebuilt state changes nothing.
    const again = cloneBrokerState(restarted);
    log.forEach((c, i) => apply(again, i + 1, c));
    expect(again).toEqual(restarted);
  });
});

describe('history queries', () => {
  const s = createBrokerState();
  for (let i = 1; i <= 5; i++) apply(s, i, pub('t', `i${i}`));

  it('returns the last n records oldest first', () => {
    expect(history(s, 't', 2).map((r) => r.offset)).toEqual([4, 5]);
    expect(history(s, 't', 5).map((r) => r.offset)).toEqual([1, 2, 3, 4, 5]);
  });

  it('returns all records when n is omitted or larger than the topic', () => {
    expect(history(s, 't').map((r) => r.offset)).toEqual([1, 2, 3, 4, 5]);
    expect(history(s, 't', Number.MAX_SAFE_INTEGER)).toHaveLength(5);
  });

  it('returns nothing for n <= 0 or an unknown topic', () => {
    expect(history(s, 't', 0)).toEqual([]);
    expect(history(s, 't', -3)).toEqual([]);
    expect(history(s, 'nope', 3)).toEqual([]);
    expect(history(s, 'nope')).toEqual([]);
  });

  it('hands out a copy the caller may change', () => {
    const copy = history(s, 't');
    copy.pop();
    expect(recordCount(s, 't')).toBe(5);
    expect(history(s, 't')).toHaveLength(5);
  });
});

describe('retention (issue 13: a bounded store, for flat memory with snapshots)', () => {
  it('keeps at least the newest `retain` records per topic; offsets stay absolute and dedup still works inside its window', () => {
    const s = createBrokerState({ retain: 3, dedupWindow: 10 });
    for (let i = 1; i <= 10; i++) apply(s, i, pubCommand('t', `id${i}`, `m${i}`, i, i, i));
    const h = history(s, 't');
    expect(h.length).toBeGreaterThanOrEqual(3);
    expect(h.length).toBeLessThan(6);
    expect(h.at(-1)).toMatchObject({ id: 'id10', offset: 10 });
    expect(h.every((r, i) => r.offset === h[0].offset + i)).toBe(true);
    expect(history(s, 't', 2).map((r) => r.offset)).toEqual([9, 10]);
    // id9 is still in the dedup window.
    expect(apply(s, 11, pubCommand('t', 'id9', 'again', 11, 11, 11))).toMatchObject({ kind: 'duplicate', offset: 9 });
    expect(apply(s, 12, pubCommand('t', 'id12', 'm12', 12, 12, 12))).toMatchObject({ kind: 'stored', record: { offset: 11 } });
  });

  it('refuses a retention below 1', () => {
    expect(() => createBrokerState({ retain: 0 })).toThrow(RangeError);
  });
});
