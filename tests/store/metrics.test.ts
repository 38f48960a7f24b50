// Run metrics: commit latency samples (one number per entry a leader commits, a bounded count), series of bounded length, marks that come back exactly.
import { describe, it, expect } from 'vitest';
import { BUCKET_MS, MAX_BUCKETS, Metrics } from '../../src/store/metrics';
import type { SimEvent } from '../../src/sim';

const leader = (at: number): SimEvent => ({ at, kind: 'role', node: 'n1', role: 'leader' });
const send = (at: number, prev: number, n: number): SimEvent => ({
  at,
  kind: 'send',
  type: 'AppendEntries',
  from: 'n1',
  to: 'n2',
  payload: { prevLogIndex: prev, entries: Array.from({ length: n }, () => ({})) },
});
const commit = (at: number, index: number, node = 'n1'): SimEvent => ({ at, kind: 'commit', node, index });

describe('commit latencies', () => {
  it('one number per entry a leader commits: from its first send to the commit', () => {
    const m = new Metrics();
    m.add(leader(10));
    m.add(send(12.5, 0, 2)); // entries 1 and 2
    m.add(send(14, 0, 3)); // 1 and 2 again (not a first send), 3
    m.add(commit(20.25, 2, 'n2')); // a follower's commit: no sample
    m.add(commit(21, 2));
    const mark = m.mark();
    m.add(commit(30, 3));
    expect(m.snapshot().commitLatencies).toEqual([21 - 12.5, 21 - 12.5, 30 - 14]);
    expect(m.snapshot().commitLatencies.every((x) => typeof x === 'number')).toBe(true);
    // A mark taken before the last commit comes back without it, and goes on from there.
    const back = Metrics.at(mark);
    expect(back.snapshot().commitLatencies).toEqual([8.5, 8.5]);
    back.add(commit(40, 3));
    expect(back.snapshot().commitLatencies).toEqual([8.5, 8.5, 26]);
    expect(m.snapshot().commitLatencies).toEqual([8.5, 8.5, 16]);
  });

  it('a new leader that learns of its predecessor\'s commits counts only the entries past them (each entry once)', () => {
    const m = new Metrics();
    m.add(leader(0));
    m.add(send(1, 0, 3));
    m.add(commit(5, 3));
    m.add(commit(6, 1, 'n2')); // n2 heard of index 1 only
    m.add({ at: 10, kind: 'role', node: 'n2', role: 'leader' });
    m.add({ at: 11, kind: 'send', type: 'AppendEntries', from: 'n2', to: 'n3', payload: { prevLogIndex: 3, entries: [{}] } });
    m.add(commit(15, 4, 'n2')); // commits 2..4 on n2; 2 and 3 were committed by n1 already
    const s = m.snapshot();
    expect(s.commitSeries.reduce((a, b) => a + b, 0)).toBe(4);
    expect(s.commitLatencies).toEqual([4, 4, 4, 4]);
    // Restored from a mark, it goes on the same way.
    const back = Metrics.at(m.mark());
    back.add(commit(20, 4, 'n3'));
    back.add({ at: 21, kind: 'role', node: 'n3', role: 'leader' });
    back.add(commit(22, 4, 'n3'));
    expect(back.snapshot().commitSeries.reduce((a, b) => a + b, 0)).toBe(4);
  });

  it('times only the leader elected last: a deposed leader\'s sends of its own entries do not count for the new leader\'s entries at those indexes', () => {
    const m = new Metrics();
    const role = (at: number, node: string): SimEvent => ({ at, kind: 'role', node, role: 'leader' });
    const sendFrom = (at: number, from: string, prev: number, n: number): SimEvent => ({ ...send(at, prev, n), from });
    m.add(role(0, 'n1'));
    m.add(sendFrom(1, 'n1', 0, 1));
    m.add(commit(5, 1, 'n1'));
    // n1 is cut off in a minority; n2 is elected and n1, still a leader in its own eyes, sends entries 2-4.
    m.add(role(100, 'n2'));
    m.add(sendFrom(110, 'n1', 1, 3));
    m.add(sendFrom(600, 'n2', 1, 3));
    m.add(commit(622, 4, 'n2'));
    expect(m.snapshot().commitLatencies).toEqual([4, 22, 22, 22]);
    // And a mark keeps who that leader is.
    const back = Metrics.at(m.mark());
    back.add(sendFrom(700, 'n1', 4, 1));
    back.add(sendFrom(710, 'n2', 4, 1));
    back.add(commit(730, 5, 'n2'));
    expect(back.snapshot().commitLatencies.at(-1)).toBe(20);
  });

  it('keeps the first 20,000 samples', () => {
    const m = new Metrics();
    m.add(leader(0));
    m.add(send(1, 0, 20_005));
    m.add(commit(3, 20_005));
    const lat = m.snapshot().commitLatencies;
    expect(lat.length).toBe(20_000);
    expect(new Set(lat)).toEqual(new Set([2]));
  });
});

describe('series over time', () => {
  const ping = (at: number): SimEvent => ({ at, kind: 'send', type: 'Ping', from: 'n1', to: 'n2' });

  it('stay at most MAX_BUCKETS long however long the run: pairs of buckets merge, the width doubles, no message is lost', () => {
    const m = new Metrics();
    m.add(leader(0));
    const end = BUCKET_MS * MAX_BUCKETS * 9; // four doublings
    let sent = 0;
    let committed = 0;
    for (let at = 0; at < end; at += 37) {
      m.add(ping(at));
      sent++;
      if (at % 3700 === 0) m.add(commit(at, ++committed));
    }
    const s = m.snapshot();
    expect(s.bucketMs).toBe(BUCKET_MS * 16);
    expect(s.sentSeries.length).toBeLessThanOrEqual(MAX_BUCKETS);
    expect(s.sentSeries.length).toBe(Math.floor((end - 37) / s.bucketMs) + 1);
    expect(s.sentSeries.reduce((a, b) => a + b, 0)).toBe(sent);
    expect(s.commitSeries.reduce((a, b) => a + b, 0)).toBe(committed);
    // Each bucket holds what fell in its time span.
    const b = 1234;
    let inB = 0;
    for (let at = 0; at < end; at += 37) if (Math.floor(at / s.bucketMs) === b) inB++;
    expect(s.sentSeries[b]).toBe(inB);
  });

  it('a mark taken before a doubling comes back at its own width and goes on exactly as the run did', () => {
    const events: SimEvent[] = [];
    for (let at = 0; at < BUCKET_MS * MAX_BUCKETS * 3; at += 53) events.push(ping(at));
    const cut = events.findIndex((e) => e.at >= BUCKET_MS * MAX_BUCKETS * 0.9);
    const m = new Metrics();
    events.slice(0, cut).forEach((e) => m.add(e));
    const mark = m.mark();
    events.slice(cut).forEach((e) => m.add(e));
    const back = Metrics.at(mark);
    expect(back.snapshot().bucketMs).toBe(BUCKET_MS);
    events.slice(cut).forEach((e) => back.add(e));
    expect(back.snapshot()).toEqual(m.snapshot());
    expect(m.snapshot().bucketMs).toBe(BUCKET_MS * 4);
    // The mark still holds its own moment after the run doubled past it.
    const again = Metrics.at(mark).snapshot();
    expect(again.sentSeries.length).toBe(Math.floor(events[cut - 1].at / BUCKET_MS) + 1);
    expect(again.sentSeries.reduce((a, b) => a + b, 0)).toBe(cut);
  });
});
