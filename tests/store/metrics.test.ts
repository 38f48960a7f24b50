// Commit latency samples of the run metrics: one number per entry a leader commits, marks that come back exactly, a bounded count.
import { describe, it, expect } from 'vitest';
import { Metrics } from '../../src/store/metrics';
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
