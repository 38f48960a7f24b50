// The action log kept in frozen leaves (issue 11): read by count, index and range, every record frozen, and saved states restored back and forth give exactly the actions a replay gives.
import { describe, expect, it } from 'vitest';
import { createCluster, plainAction, replay, type ActionRecord, type ClusterOptions, type SimCluster } from '../../src/sim';

const OPTIONS: ClusterOptions = { seed: 3, nodes: 3 };

/** Action number i of a mixed run: workload publishes mostly, chosen deliveries and timer firings, proposals. */
function act(c: SimCluster, i: number, tag: string): void {
  switch (i % 6) {
    case 3: {
      const m = c.inFlight()[0];
      if (m !== undefined) c.deliver(m.id, i % 12 === 3);
      else c.propose(c.leader() ?? 'n1', `${tag}${i}`);
      break;
    }
    case 5: {
      const t = c.runningTimers()[0];
      c.fire(t?.node ?? 'n1', t?.timer ?? 'election');
      break;
    }
    default:
      c.publish('t', `wl1#${i}`, { client: 'wl1' });
      if (i % 6 === 4) c.publish('u', `${tag} ${i}`);
  }
  c.runFor(7);
}

const plain = (xs: readonly ActionRecord[]): ActionRecord[] => xs.map(plainAction);
const same = (a: readonly ActionRecord[], b: readonly ActionRecord[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

describe('action log', () => {
  it('every record is frozen, chosen deliveries and firings too (a frozen leaf of the log is never walked by saved states)', () => {
    const c = createCluster(OPTIONS);
    c.runFor(400);
    for (let i = 0; i < 60; i++) act(c, i, 'a');
    const ops = new Set(c.actions().map((a) => a.op));
    expect([...ops]).toEqual(expect.arrayContaining(['deliver', 'fire', 'publish']));
    for (const a of c.actions()) expect(Object.isFrozen(a), a.op).toBe(true);
  });

  it('actionCount, actionAt and actionsSince read what actions() copies', () => {
    const c = createCluster(OPTIONS);
    c.runFor(400);
    for (let i = 0; i < 150; i++) act(c, i, 'a');
    const all = c.actions();
    expect(all.length).toBeGreaterThan(128); // full leaves and a tail
    expect(c.actionCount()).toBe(all.length);
    for (const i of [-65, -1, 0, 1, 63, 64, 65, 127, 128, all.length - 1, all.length, all.length + 64]) expect(c.actionAt(i), `at ${i}`).toBe(all[i]);
    for (const from of [0, 1, 64, 100, all.length - 1, all.length, all.length + 5]) expect(same(c.actionsSince(from), all.slice(from)), `since ${from}`).toBe(true);
    expect(c.actions()).not.toBe(c.actions()); // a copy each time: a caller may keep or change it
  });

  it('restoring an early and a late saved state, and forking in between, gives the actions a replay gives', () => {
    const c = createCluster(OPTIONS);
    c.runFor(400);
    for (let i = 0; i < 100; i++) act(c, i, 'a');
    const early = c.saveState();
    const earlyActions = c.actions();
    for (let i = 100; i < 330; i++) act(c, i, 'a');
    const late = c.saveState();
    const lateActions = c.actions();
    const lateMoment = { at: c.now, events: c.eventCount };

    c.restoreState(early);
    expect(same(c.actions(), earlyActions)).toBe(true);
    expect(c.actionAt(earlyActions.length)).toBeUndefined();

    // Another way on from the early state: what it records is what a replay of its actions records.
    for (let i = 100; i < 260; i++) act(c, i, 'b');
    const fork = c.actions();
    expect(same(fork.slice(0, earlyActions.length), earlyActions)).toBe(true);
    expect(plain(fork)).not.toEqual(plain(lateActions.slice(0, fork.length)));
    const forkReplay = replay(OPTIONS, fork, { at: c.now, events: c.eventCount });
    expect(plain(forkReplay.actions())).toEqual(plain(fork));
    expect(c.nodeIds.map((id) => c.node(id))).toEqual(forkReplay.nodeIds.map((id) => forkReplay.node(id)));

    // Forward again to the late state, past the fork's leaves, and back.
    c.restoreState(late);
    expect(same(c.actions(), lateActions)).toBe(true);
    expect(c.actionCount()).toBe(lateActions.length);
    const lateReplay = replay(OPTIONS, lateActions, lateMoment);
    expect(plain(lateReplay.actions())).toEqual(plain(c.actions()));
    c.restoreState(early);
    expect(same(c.actions(), earlyActions)).toBe(true);
    c.restoreState(late);
    act(c, 330, 'c');
    expect(same(c.actionsSince(0).slice(0, lateActions.length), lateActions)).toBe(true);
    expect(c.actionCount()).toBe(lateActions.length + 1);
  });

  it('with recordActions: false it keeps nothing, and saved states still restore', () => {
    const c = createCluster({ ...OPTIONS, recordActions: false });
    c.runFor(400);
    const s = c.saveState();
    for (let i = 0; i < 100; i++) act(c, i, 'a');
    expect(c.actionCount()).toBe(0);
    expect(c.actions()).toEqual([]);
    expect(c.actionsSince(0)).toEqual([]);
    expect(c.actionAt(0)).toBeUndefined();
    c.restoreState(s);
    expect(c.actionCount()).toBe(0);
    expect(c.now).toBe(400);
  });
});
