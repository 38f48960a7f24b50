// A network copy of a follower's forwarded PUB is not a second PUB: the client's one PUB is answered as stored, and never stored twice.
import { describe, expect, it } from 'vitest';
import { createCluster } from '../../src/sim';

describe('a ForwardPub the network duplicates', () => {
  it('a PUB typed once at a follower is answered OK REDIRECTED, never OK duplicate, and stored once (20 seeds, duplication 0.3)', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const c = createCluster({ seed, nodes: 5, network: { duplicateRate: 0.3 }, checkers: 'throw' });
      c.runUntil(() => c.leader() !== undefined, 3000);
      c.runFor(200);
      for (let i = 0; i < 10; i++) {
        const leader = c.leader()!;
        const via = c.nodeIds.find((x) => x !== leader)!;
        const before = c.history(leader, 'orders').length;
        const h = c.command(via, `PUB orders hello ${i}`);
        c.runUntil(() => h.done, 6000);
        c.runFor(50);
        const after = c.history(c.leader()!, 'orders');
        const reply = h.lines.join(' ');
        expect(reply, `seed ${seed}, PUB ${i} at ${via}`).toMatch(/^OK REDIRECTED /);
        expect(after.length, `seed ${seed}, PUB ${i}: stored once`).toBe(before + 1);
        expect(reply.endsWith(after.at(-1)!.id), `seed ${seed}, PUB ${i}: the reply names the record it stored`).toBe(true);
      }
    }
  });

  it('with a small dedup window and reordering, no id typed once is stored twice and no finding blames the window (10 seeds)', () => {
    for (let seed = 1; seed <= 10; seed++) {
      const c = createCluster({
        seed, nodes: 5, broker: { dedupWindow: 2 }, checkers: 'record',
        network: { duplicateRate: 0.3, reorderRate: 0.5, reorderDelayMs: [100, 400] },
      });
      c.runUntil(() => c.leader() !== undefined, 3000);
      c.runFor(300);
      for (let i = 0; i < 60; i++) {
        c.command(c.nodeIds[i % 5], `PUB t --id u${seed}-${i} m${i}`, { client: `cl${i % 7}` });
        c.runFor(20);
      }
      c.runFor(8000);
      c.runUntil(() => c.leader() !== undefined, 5000);
      const ids = c.history(c.leader()!, 't').map((x) => x.id);
      expect(ids.length - new Set(ids).size, `seed ${seed}: ids stored twice`).toBe(0);
      expect(c.findings(), `seed ${seed}`).toEqual([]);
    }
  });

  it('after a leader change a follower\'s forwards (numbered on from those the old leader took) are all taken by the new one, copies and all (5 seeds)', () => {
    for (let seed = 1; seed <= 5; seed++) {
      const c = createCluster({ seed, nodes: 5, network: { duplicateRate: 0.3 }, checkers: 'throw' });
      c.runUntil(() => c.leader() !== undefined, 3000);
      c.runFor(200);
      const first = c.leader()!;
      const pubs = (via: string, n: number, tag: string): void => {
        for (let i = 0; i < n; i++) {
          const h = c.command(via, `PUB orders ${tag}${i}`);
          c.runUntil(() => h.done, 6000);
          expect(h.lines.join(' '), `seed ${seed}, ${tag}${i} at ${via}`).toMatch(/^OK REDIRECTED /);
        }
      };
      // Every follower forwards to the first leader, then to the next: its forwards there start past a gap.
      for (const id of c.nodeIds.filter((x) => x !== first)) pubs(id, 4, `a${id}-`);
      c.crash(first);
      c.runUntil(() => c.leader() !== undefined && c.leader() !== first, 5000);
      c.runFor(300);
      const via = c.nodeIds.find((x) => x !== first && x !== c.leader())!;
      // More than the 32 a leader keeps past a gap: the gap (the old leader's forwards) is given up, nothing else.
      pubs(via, 40, 'b');
      c.runFor(200);
      const stored = c.history(c.leader()!, 'orders').map((r) => r.message);
      expect(stored.filter((m) => m.startsWith('b')).length, `seed ${seed}`).toBe(40);
    }
  });
});
