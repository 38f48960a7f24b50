// Node views reuse the log view of the last call (a long log is not rebuilt entry by entry): they must equal a
// fresh build through truncations, and a view once returned must never change.
import { describe, expect, it } from 'vitest';
import { createCluster, type Cluster, type LogEntryView } from '../../src/sim/index';

/** A run where old leaders' uncommitted entries get cut off: proposals to whoever leads, with partitions that isolate it. */
function play(c: Cluster, round: number): void {
  const ids = c.nodeIds;
  // (c.leader(), not node views: a cluster replayed for comparison must build its first view from scratch.)
  const leader = c.leader();
  if (leader !== undefined) for (let k = 0; k < 3; k++) c.propose(leader, `r${round}-${k}`);
  if (round % 4 === 1 && leader !== undefined) c.partition([[leader], ids.filter((id) => id !== leader)]);
  if (round % 4 === 3) c.heal();
  c.runFor(97);
}

describe('log views', () => {
  for (const seed of [1, 2, 3]) {
    it(`equal a fresh build after every round, through truncations, and never change once returned (seed ${seed})`, () => {
      const viewed = createCluster({ seed, nodes: 5 });
      let truncations = 0;
      viewed.onEvent((e) => {
        if (e.kind === 'truncate') truncations++;
      });
      const returned: Array<{ log: readonly LogEntryView[]; copy: string }> = [];
      for (let round = 0; round < 60; round++) {
        play(viewed, round);
        // A cluster whose views were never taken builds each one from scratch.
        let other: Cluster | undefined;
        if (round % 5 === 4) {
          other = createCluster({ seed, nodes: 5 });
          for (let r = 0; r <= round; r++) play(other, r);
        }
        for (const id of viewed.nodeIds) {
          const log = viewed.node(id).log;
          returned.push({ log, copy: JSON.stringify(log) });
          if (other !== undefined) expect(log, `seed ${seed} round ${round} ${id}`).toEqual(other.node(id).log);
        }
      }
      expect(truncations, `seed ${seed}: the run cut off entries (so reuse past a truncation is tested)`).toBeGreaterThan(0);
      for (const r of returned) expect(JSON.stringify(r.log)).toBe(r.copy);
    });
  }
});
