// Node views reuse the log view of the last call (a long log is not rebuilt entry by entry): they must equal a
// fresh build through truncations, and a view once returned must never change.
import { describe, expect, it } from 'vitest';
import { createCluster, type Cluster, type LogEntryView } from '../../src/sim/index';

/** A run where old leaders' uncommitted entries get cut off: proposals to whoever leads, with partitions that isolate it. */
function play(c: Cluster, round: number, tag = 'r'): void {
  const ids = c.nodeIds;
  // (c.leader(), not node views: a cluster replayed for comparison must build its first view from scratch.)
  const leader = c.leader();
  if (leader !== undefined) for (let k = 0; k < 3; k++) c.propose(leader, `${tag}${round}-${k}`);
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

  it('after seeks back and forth (restore a saved state, replay; a fork with other commands), equal a fresh build', () => {
    const seed = 4;
    const c = createCluster({ seed, nodes: 3 });
    const saved = [c.saveState()];
    for (let round = 0; round < 40; round++) {
      play(c, round);
      if (round % 10 === 9) saved.push(c.saveState());
    }
    /** A cluster that played rounds up to `to`, the ones from `forkAt` on with other commands. */
    const fresh = (to: number, forkAt: number): Cluster => {
      const o = createCluster({ seed, nodes: 3 });
      for (let r = 0; r < to; r++) play(o, r, r >= forkAt ? 'f' : 'r');
      return o;
    };
    const returned: Array<{ log: readonly LogEntryView[]; copy: string }> = [];
    // [saved state, round to play to, round the commands change from (a fork: same indices and terms, other commands)]
    const seeks = [[3, 35, Infinity], [1, 12, Infinity], [3, 38, Infinity], [3, 38, 30], [3, 36, Infinity], [0, 7, Infinity]] as const;
    for (const [from, to, forkAt] of seeks) {
      c.restoreState(saved[from]);
      for (let r = from * 10; r < to; r++) play(c, r, r >= forkAt ? 'f' : 'r');
      const other = fresh(to, forkAt);
      for (const id of c.nodeIds) {
        const log = c.node(id).log;
        returned.push({ log, copy: JSON.stringify(log) });
        expect(log, `seed ${seed}, seek to round ${to} (fork at ${forkAt}): ${id}`).toEqual(other.node(id).log);
      }
    }
    for (const r of returned) expect(JSON.stringify(r.log)).toBe(r.copy);
  });

  it('nodes holding the same entry share one view object for it (five views of a long log held five copies of every entry)', () => {
    const c = createCluster({ seed: 6, nodes: 5 });
    for (let round = 0; round < 30; round++) {
      play(c, round);
      c.nodeIds.forEach((id) => c.node(id)); // viewed every round, as the page does
    }
    c.heal();
    c.runFor(2000);
    const logs = c.nodeIds.map((id) => c.node(id).log);
    const n = Math.min(...logs.map((l) => l.length));
    expect(n).toBeGreaterThan(30);
    let shared = 0;
    for (let k = 0; k < n; k++) {
      for (const log of logs.slice(1)) {
        if (log[k].term === logs[0][k].term && log[k].command === logs[0][k].command) {
          expect(log[k], `entry ${log[k].index}`).toBe(logs[0][k]);
          shared++;
        }
      }
    }
    expect(shared).toBeGreaterThan(4 * 30);
  });
  it('a seek back and forward again reuses the entry views it had (a far seek forward does not go through them again)', () => {
    const c = createCluster({ seed: 5, nodes: 3 });
    const start = c.saveState();
    for (let round = 0; round < 30; round++) play(c, round);
    const late = c.saveState();
    const id = c.leader() ?? c.nodeIds[0];
    const before = c.node(id).log;
    expect(before.length, 'the run made a long log').toBeGreaterThan(40);
    // Back to the start (the view is short), then forward to the same late state again.
    c.restoreState(start);
    for (let round = 0; round < 3; round++) play(c, round);
    expect(c.node(id).log.length).toBeLessThan(before.length);
    c.restoreState(late);
    const after = c.node(id).log;
    expect(after).toEqual(before);
    const reused = after.filter((v, i) => v === before[i]).length;
    expect(reused, 'entry views kept from before the seek back').toBe(before.length);
    // Kept whole: the very list handed out before comes back (nothing was gone through again).
    expect(after, 'the same list as before the seek back').toBe(before);
  });
});
