// A message in flight says whether it will be dropped when it arrives (partition, cut link, disconnection, receiver down): what arrive() then does.
import { describe, expect, it } from 'vitest';
import { createCluster, type InFlight, type SimCluster } from '../../src/sim';

type Fault = (c: SimCluster, leader: string, other: string) => void;

const FAULTS: Record<string, Fault> = {
  partition: (c, leader) => c.partition([[leader], c.nodeIds.filter((x) => x !== leader)]),
  link: (c, leader, other) => c.cutLink(leader, other),
  disconnected: (c, leader) => c.disconnect(leader),
  down: (c, _leader, other) => c.crash(other),
};

/** What became of each message: the drop reason from the journal, or 'delivered'. */
function outcomes(c: SimCluster, from: number): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of c.journal().slice(from)) {
    if (e.msgId === undefined) continue;
    if (e.kind === 'drop') out.set(`${e.msgId}`, e.detail ?? '');
    else if (e.kind === 'deliver' && !out.has(`${e.msgId}`)) out.set(`${e.msgId}`, 'delivered');
  }
  return out;
}

describe('the fate of a message in flight', () => {
  for (const [name, fault] of Object.entries(FAULTS)) {
    it(`after ${name}: the messages it will drop say so, and the rest are delivered (10 seeds)`, () => {
      let cut = 0;
      for (let seed = 1; seed <= 10; seed++) {
        const c = createCluster({ seed, nodes: 5 });
        c.runUntil(() => c.leader() !== undefined, 3000);
        // Just after a heartbeat round goes out, so messages are on their way.
        const leader = c.leader()!;
        c.runUntil(() => c.inFlight().some((m) => m.from === leader && m.type === 'AppendEntries'), 1000);
        const other = c.nodeIds.find((x) => x !== leader)!;
        fault(c, leader, other);
        const flying: InFlight[] = c.inFlight().filter((m) => !m.duplicate);
        const from = c.journal().length;
        const last = Math.max(...flying.map((m) => m.arriveAt));
        c.runUntil(() => c.now >= last, 5000);
        const got = outcomes(c, from);
        for (const m of flying) {
          const what = got.get(`${m.id}`);
          const expected = m.lost ? 'loss' : m.cut === undefined ? 'delivered' : m.cut === 'link' ? 'partition' : m.cut;
          expect(what, `seed ${seed}: #${m.id} ${m.type} ${m.from}→${m.to} (cut ${m.cut})`).toBe(expected);
          if (m.cut !== undefined) {
            expect(m.cut, `seed ${seed}`).toBe(name);
            cut++;
          }
        }
      }
      expect(cut, 'some messages were cut').toBeGreaterThan(0);
    });
  }
});

describe('a partition as the journal tells it', () => {
  it('names every group, the nodes the action left out too (they are a group of their own)', () => {
    const c = createCluster({ seed: 1, nodes: 5 });
    c.runFor(10);
    c.partition([['n4']]);
    c.partition([['n1', 'n2'], ['n3']]);
    c.partition([['n1', 'n2'], ['n3', 'n4', 'n5']]);
    expect(c.journal().filter((e) => e.kind === 'partition').map((e) => e.detail)).toEqual(['{n4} | {n1 n2 n3 n5}', '{n1 n2} | {n3} | {n4 n5}', '{n1 n2} | {n3 n4 n5}']);
  });
});
