// @vitest-environment happy-dom
// The store's playback: stepping, running to the next election, rewind by replay, forks, violations pausing, bad runs changing nothing.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { SimCluster, type ActionRecord } from '../../src/sim';
import { Driver, FEED_MIN } from '../../src/store/driver';
import { fingerprint } from '../../src/store/fingerprint';
import { runScenario } from '../../src/store/scenarios';
import {
  act, finishTask, getDriver, newRun, publish, runUntilElection, runUntilLeader, seek, seekToEvent, setStepKind, startWorkload, stepDelivery, stepEvent, stopWorkload, useSim,
} from '../../src/store/sim';
import { watched } from '../../src/store/stepKinds';
import { freshRun } from './helpers';

const fp = (): string => {
  const d = getDriver();
  return fingerprint(d.now, d.seq, d.views(true));
};

describe('playback', () => {
  beforeEach(() => freshRun());

  it('a step watching every event processes one event, pauses, and selects its last journal event', () => {
    setStepKind('all');
    const before = getDriver().cluster.eventCount;
    stepEvent();
    expect(getDriver().cluster.eventCount).toBe(before + 1);
    expect(useSim.getState().playing).toBe(false);
    expect(useSim.getState().lastStep.length).toBeGreaterThan(0);
    expect(useSim.getState().selection.event).toBe(getDriver().seq);
  });

  it('a step watching Raft passes over pings and clock sync: from time 0 it reaches the first election timeout', () => {
    expect(useSim.getState().stepKind).toBe('raft');
    stepEvent();
    finishTask();
    const d = getDriver();
    const passed = d.feedTail(d.seq).map((i) => i.e);
    const last = passed.at(-1)!;
    // The first Raft event of a run is an election timer firing (§5.2); everything before it was background.
    expect(passed.filter((e) => e.kind === 'timer' && e.type === 'election')).toHaveLength(1);
    expect(passed.some((e) => e.kind === 'role' && e.role === 'candidate')).toBe(true);
    expect(passed.filter((e) => watched('raft', e)).every((e) => e.at === last.at)).toBe(true);
    expect(passed.filter((e) => !watched('raft', e)).length).toBeGreaterThan(5);
    // It says how many it passed over: every event before the first Raft one.
    const firstRaft = d.feedTail(d.seq).find((i) => watched('raft', i.e))!;
    expect(useSim.getState().stepSkipped).toEqual({ count: firstRaft.seq - 1, seq: firstRaft.seq });
    // The next step is the candidate's first RequestVote arriving, not a ping.
    stepEvent();
    finishTask();
    const next = useSim.getState().lastStep.filter((i) => watched('raft', i.e));
    expect(next.length).toBeGreaterThan(0);
    expect(next.every((i) => ['RequestVote', 'RequestVoteReply'].includes(i.e.type ?? '') || i.e.kind === 'vote' || i.e.kind === 'role')).toBe(true);
  });

  it('next delivery stops at the first delivery of the kind watched (Raft: not a ping), and selects it', () => {
    stepDelivery();
    finishTask();
    const d = getDriver();
    const items = d.feedTail(d.seq);
    const stop = items.find((i) => i.seq === useSim.getState().selection.event)!;
    expect(stop.e.kind).toBe('deliver');
    expect(watched('raft', stop.e)).toBe(true);
    expect(useSim.getState().now).toBe(stop.e.at);
    // Pings were delivered before it and passed over.
    expect(items.some((i) => i.seq < stop.seq && i.e.kind === 'deliver' && i.e.type === 'Ping')).toBe(true);
    // Watching every event, the next delivery is whatever comes, a ping included.
    setStepKind('all');
    stepDelivery();
    finishTask();
    const next = d.feedTail(d.seq).find((i) => i.seq === useSim.getState().selection.event)!;
    expect(next.e.kind).toBe('deliver');
    expect(next.seq).toBe(d.feedTail(d.seq).find((i) => i.seq > stop.seq && i.e.kind === 'deliver')!.seq);
  });

  it('next election stops when a node becomes candidate; next leader when one wins (§5.2)', () => {
    runUntilElection();
    finishTask();
    expect(getDriver().views().some((v) => v.role === 'candidate')).toBe(true);
    runUntilLeader();
    finishTask();
    expect(getDriver().cluster.leader()).toBeDefined();
  });

  it('seeking back replays the run: the state at t is identical to when it was first reached', () => {
    seek(150);
    finishTask();
    const at150 = fp();
    seek(400);
    finishTask();
    const at400 = fp();
    seek(150);
    finishTask();
    expect(getDriver().now).toBe(150);
    expect(fp()).toBe(at150);
    expect(useSim.getState().inPast).toBe(true);
    seek(400);
    finishTask();
    expect(fp()).toBe(at400);
  });

  it('returning to the end after a rewind restores the same state, on the same cluster', () => {
    seek(800);
    finishTask();
    const end = getDriver().cluster;
    const print = fp();
    seek(100);
    finishTask();
    expect(getDriver().now).toBe(100);
    seek(800);
    finishTask();
    expect(getDriver().cluster).toBe(end);
    expect(fp()).toBe(print);
    seek(900);
    finishTask();
    expect(getDriver().now).toBe(900);
  });

  it('rewinding keeps recorded actions: playing forward re-applies them at their moment', () => {
    seek(300);
    finishTask();
    const leader = getDriver().cluster.leader()!;
    act('crash', [leader]);
    seek(600);
    finishTask();
    const end = fp();
    seek(100);
    finishTask();
    expect(getDriver().views().find((v) => v.id === leader)!.up).toBe(true);
    seek(600);
    finishTask();
    expect(fp()).toBe(end);
    expect(getDriver().views().find((v) => v.id === leader)!.up).toBe(false);
  });

  it('acting in the past forks the run: the recorded future is replaced and a notice says so', () => {
    seek(300);
    finishTask();
    act('crash', ['n1']);
    seek(600);
    finishTask();
    seek(200);
    finishTask();
    act('crash', ['n2']);
    expect(useSim.getState().notice?.text).toMatch(/forked/);
    expect(getDriver().allActions().map((a) => a.op + a.args[0])).toEqual(['crashn2']);
    expect(useSim.getState().horizon).toBe(200);
  });

  it('clicking an event seeks to just after it, forward or back', () => {
    seek(300);
    finishTask();
    const item = getDriver().feedTail(100)[10];
    seekToEvent(item.seq, item.e.at);
    finishTask();
    expect(getDriver().seq).toBeGreaterThanOrEqual(item.seq);
    expect(getDriver().now).toBe(item.e.at);
    expect(useSim.getState().selection.event).toBe(item.seq);
  });

  it('an invalid configuration returns its message and changes nothing', () => {
    const before = getDriver();
    const err = newRun({ seed: 1, config: 'nodes: []' });
    expect(err).toMatch(/non-empty 'nodes' list/);
    expect(getDriver()).toBe(before);
  });

  it('a run whose action log cannot be replayed is refused and nothing changes', () => {
    const before = getDriver();
    const err = newRun({ seed: 1, nodes: 3 }, [{ at: 0, events: 0, op: 'crash', args: ['n9'] }]);
    expect(err).toMatch(/Could not load this run.*unknown node 'n9'.*Nothing was changed/);
    expect(getDriver()).toBe(before);
    // An action log that does not fit the run (edited by hand) diverges, and is refused too.
    expect(newRun({ seed: 1, nodes: 3 }, [{ at: 10, events: 5, op: 'crash', args: ['n1'] }])).toMatch(/replay diverged/);
    expect(getDriver()).toBe(before);
  });
});

describe('violations', () => {
  it('a broken rule pauses the run at the violation, marks the timeline and opens the checks (Figure 8, §5.4.2)', () => {
    freshRun();
    runScenario('figure8-broken');
    finishTask();
    const s = useSim.getState();
    expect(s.playing).toBe(false);
    expect(s.notice?.kind).toBe('violation');
    expect(s.marks.some((m) => m.kind === 'violation')).toBe(true);
    expect(s.violations.length).toBeGreaterThan(0);
    expect(s.tab).toBe('checks');
    const last = getDriver().feedTail(1)[0];
    expect(last.e.kind).toBe('violation');
  });

  it("the broken scenarios' words hold: paused when the new leader lacks the committed entries, which it overwrites only when played on", () => {
    for (const [id, winner, holder, lost] of [['figure8-broken', 'n5', 'n2', 'A'], ['stale-vote', 'n5', 'n2', 'e0']] as const) {
      freshRun();
      runScenario(id);
      finishTask();
      const s = useSim.getState();
      expect(s.notice?.text, id).toMatch(/Play on to watch .* overwrite/);
      expect(s.violations.map((v) => v.property), id).toEqual(['Leader Completeness']);
      const c = getDriver().cluster;
      expect(c.node(winner).role, id).toBe('leader');
      expect(c.node(winner).log.some((e) => e.command === lost), id).toBe(false);
      expect(c.node(holder).log.some((e) => e.command === lost), `${id}: not overwritten yet`).toBe(true);
      seek(c.now + 400);
      finishTask();
      expect(getDriver().cluster.node(holder).log.some((e) => e.command === lost), `${id}: overwritten once played on`).toBe(false);
    }
  });

  it('with the rules on, the same scenario keeps every property', () => {
    freshRun();
    runScenario('figure8-safe');
    finishTask();
    expect(useSim.getState().violations).toEqual([]);
    expect(useSim.getState().marks.some((m) => m.kind === 'violation')).toBe(false);
  });
});

describe('fast seeks', () => {
  /** Everything the page shows that comes from observing events. */
  const observed = (d: Driver, upTo: number) => ({
    print: fingerprint(d.now, d.seq, d.views(true)),
    feed: d.feedTail(8000).map((i) => [i.seq, i.e.at, i.e.kind, i.e.node, i.e.from, i.e.to, i.e.type, i.e.detail, i.e.msgId, i.e.term, i.e.index, i.e.role, i.e.lamport]),
    lastStep: d.lastStep.map((i) => i.seq),
    metrics: d.metrics.snapshot(),
    workload: d.workloadStats(),
    marks: d.marks.filter((m) => m.at <= upTo),
  });

  /** A run with actions of every kind the driver shows itself, a workload and a crash, seeked to 70 s. */
  function busyRun(): void {
    freshRun({ seed: 3, nodes: 5 });
    seek(3000);
    finishTask();
    const leader = getDriver().cluster.leader()!;
    act('propose', [leader, 'set x=1']);
    act('command', [leader, 'PUB a hello', {}]);
    startWorkload({ publishers: 4, rate: 20, topics: 3 });
    seek(20_000);
    finishTask();
    act('crash', [leader]);
    seek(40_000);
    finishTask();
    stopWorkload();
    seek(70_000);
    finishTask();
  }

  it('a seek back restores a checkpoint near the target and ends exactly where a fully observed replay does', () => {
    busyRun();
    const actions = getDriver().allActions();
    const restores = vi.spyOn(SimCluster.prototype, 'restoreState');
    getDriver().beginBatch();
    seek(65_000);
    finishTask();
    // The seek restores a checkpoint a few thousand events before 65 s (not the start first: the rewind is lazy).
    expect(restores).toHaveBeenCalledTimes(1);
    restores.mockRestore();
    expect(getDriver().inPast).toBe(true);

    const full = new Driver(useSim.getState().run);
    full.load(actions);
    full.beginBatch();
    expect(full.advance(65_000)).toBe('target');
    const { feed: feedA, ...a } = observed(getDriver(), 65_000);
    const { feed: feedB, ...b } = observed(full, 65_000);
    // The feed holds what was replayed after the checkpoint: at least FEED_MIN events, the same as the full replay's.
    expect(feedA.length).toBeGreaterThanOrEqual(FEED_MIN);
    expect(feedA.length).toBeLessThan(8000);
    expect(feedA).toEqual(feedB.slice(-feedA.length));
    expect(a).toEqual(b);
    full.dispose();
  });

  it('seeking ahead at the end of the run (a workload adding actions on the way) shows what playing there shows', () => {
    const make = (): Driver => {
      const d = new Driver({ seed: 4, nodes: 3 });
      d.advance(1000);
      d.startWorkload({ publishers: 3, rate: 30, topics: 2 });
      return d;
    };
    const sought = make();
    sought.setSeeking(true);
    expect(sought.advance(9000)).toBe('target');
    sought.setSeeking(false);
    const played = make();
    for (let t = 1000; t < 9000; t += 16.7) played.advance(Math.min(t + 16.7, 9000));
    expect(observed(sought, 9000)).toEqual(observed(played, 9000));
    expect(sought.feedTail(8000).filter((i) => i.e.kind === 'publish').length).toBeGreaterThan(100);
  });

  it('after a seek the feed is whole and in order, also when the cluster is then moved on directly', () => {
    const d = new Driver({ seed: 1, nodes: 5 });
    d.setSeeking(true);
    d.advance(30_000);
    d.setSeeking(false);
    d.cluster.runFor(50);
    const seqs = d.feedTail(8000).map((i) => i.seq);
    expect(seqs).toHaveLength(8000);
    expect(seqs.every((x, i) => i === 0 || x === seqs[i - 1] + 1)).toBe(true);
    expect(seqs.at(-1)).toBe(d.seq);
    d.dispose();
  });

  /** Seeks through the store to `t`; returns how many checkpoints (or visits) it restored. */
  function seekCountingRestores(t: number): number {
    const restores = vi.spyOn(SimCluster.prototype, 'restoreState');
    seek(t);
    finishTask();
    const n = restores.mock.calls.length;
    restores.mockRestore();
    return n;
  }

  /** The page's driver at `at` shows what a driver replaying `actions` from the start shows (its feed: the newest part of that one). */
  function expectAsFullReplay(actions: readonly ActionRecord[], at: number): void {
    const full = new Driver(useSim.getState().run);
    full.load(actions);
    full.beginBatch();
    expect(full.advance(at)).toBe('target');
    const { feed: feedA, ...a } = observed(getDriver(), at);
    const { feed: feedB, ...b } = observed(full, at);
    expect(feedA.length).toBeGreaterThanOrEqual(FEED_MIN);
    expect(feedA).toEqual(feedB.slice(-feedA.length));
    expect(a).toEqual(b);
    full.dispose();
  }

  it('coming back to a moment the learner stopped at (or to the end) restores it with no replay, exactly as a full replay shows it', () => {
    busyRun();
    const d = getDriver();
    const actions = d.allActions();
    const atEnd = observed(d, 70_000);
    seek(65_000);
    finishTask();
    // (The page calls rest when it is idle after a seek.)
    expect(getDriver().rest()).toBe(true);
    expect(getDriver().rest(), 'once per moment').toBe(false);
    seek(30_000);
    finishTask();
    expect(getDriver().lastAdvanceEvents, 'a replay from a checkpoint before 30 s').toBeGreaterThan(0);
    getDriver().beginBatch();
    expect(seekCountingRestores(65_000)).toBe(1);
    expect(getDriver().lastAdvanceEvents).toBe(0);
    expect(getDriver().feedTail(8000)).toHaveLength(FEED_MIN);
    expectAsFullReplay(actions, 65_000);

    // A little past it: replays only from the visit, and still ends where the full replay does.
    seek(66_000);
    finishTask();
    expect(getDriver().lastAdvanceEvents).toBeGreaterThan(0);
    expect(getDriver().lastAdvanceEvents).toBeLessThan(FEED_MIN);
    expectAsFullReplay(actions, 66_000);

    // End: where the run ended when the learner first went back, with its feed, and no replay.
    seek(70_000);
    finishTask();
    expect(getDriver().lastAdvanceEvents).toBe(0);
    const { feed: feedEnd, ...end } = observed(getDriver(), 70_000);
    const { feed: feedThen, ...then } = atEnd;
    expect(feedEnd).toEqual(feedThen.slice(-FEED_MIN));
    expect(end).toEqual(then);
    expect(getDriver().inPast).toBe(false);
  });

  it('paused at the end of the run, resting keeps the end (the tip) ahead of time: the first seek back saves nothing', () => {
    busyRun();
    expect(getDriver().inPast).toBe(false);
    expect(getDriver().rest()).toBe(true);
    expect(getDriver().rest(), 'once per moment').toBe(false);
    const saves = vi.spyOn(SimCluster.prototype, 'saveState');
    seek(30_000);
    finishTask();
    expect(saves).not.toHaveBeenCalled();
    saves.mockRestore();
    seek(70_000);
    finishTask();
    expect(getDriver().lastAdvanceEvents).toBe(0);
    expect(getDriver().inPast).toBe(false);
  });

  it('resting at the end of a run that goes on (a learner pausing often) adds no checkpoint of the run', () => {
    const run = (rest: boolean): Driver => {
      const d = new Driver({ seed: 2, nodes: 5 });
      d.startWorkload({ publishers: 4, rate: 20, topics: 2 });
      for (let t = 2000; t <= 40_000; t += 2000) {
        d.advance(t);
        if (rest) expect(d.rest()).toBe(true);
      }
      return d;
    };
    const rested = run(true);
    const plain = run(false);
    const a = rested.checkpointStats();
    const b = plain.checkpointStats();
    expect(a.count).toBe(b.count);
    expect(a.every).toBe(b.every);
    // The memory the budget counts is never less for the captures in between (they shared some of it).
    expect(a.bytes).toBeGreaterThanOrEqual(b.bytes);
    expect(observed(rested, 40_000)).toEqual(observed(plain, 40_000));
    rested.dispose();
    plain.dispose();
  });

  it('readying a seek (the pointer rests on the timeline) changes nothing shown, and the seek then replays nothing', () => {
    busyRun();
    seek(50_000);
    finishTask();
    // A step, so that the batch (the narration's last step) is not just the newest events of the feed.
    getDriver().beginBatch();
    getDriver().step();
    const d = getDriver();
    publish();
    const before = observed(d, 70_000);
    // What the page's store holds from the last publish (node views, metrics): not changed in place either.
    const held = (): string => JSON.stringify({ nodes: useSim.getState().nodes, metrics: useSim.getState().metrics, now: useSim.getState().now });
    const heldBefore = held();
    expect(d.prepare(20_000)).toBe(true);
    expect(observed(d, 70_000)).toEqual(before);
    expect(held()).toBe(heldBefore);
    expect(d.inPast).toBe(true);
    // (Not the start first: a rewind is settled by the seek's own restore.)
    expect(seekCountingRestores(20_000)).toBe(1);
    expect(getDriver().lastAdvanceEvents).toBe(0);
    expectAsFullReplay(getDriver().allActions(), 20_000);
    // Nothing to ready where a seek is quick already: the moment just kept.
    expect(getDriver().prepare(20_000)).toBe(false);
  });

  it('readying a seek at the end of the run leaves the run going on exactly as it would have', () => {
    const make = (): Driver => {
      const d = new Driver({ seed: 6, nodes: 5 });
      d.startWorkload({ publishers: 3, rate: 20, topics: 2 });
      d.setSeeking(true);
      d.advance(40_000);
      d.setSeeking(false);
      return d;
    };
    const plain = make();
    const readied = make();
    const before = observed(readied, 40_000);
    expect(readied.prepare(10_000)).toBe(true);
    expect(observed(readied, 40_000)).toEqual(before);
    expect(readied.inPast).toBe(false);
    // On from here (the workload issuing its publishes), and an action: the same as the plain driver's.
    for (const d of [plain, readied]) {
      d.advance(45_000);
      d.act('crash', ['n2']);
      d.advance(50_000);
    }
    expect(observed(readied, 50_000)).toEqual(observed(plain, 50_000));
    expect(readied.allActions()).toEqual(plain.allActions());
    // And the moment it readied is there to seek to.
    readied.rewind();
    readied.setSeeking(true);
    readied.advance(10_000);
    readied.setSeeking(false);
    expect(readied.lastAdvanceEvents).toBe(0);
    plain.dispose();
    readied.dispose();
  });

  it('a fork forgets the moments kept after it; the run then goes on as on any fork', () => {
    busyRun();
    seek(65_000);
    finishTask();
    expect(getDriver().rest()).toBe(true);
    seek(30_000);
    finishTask();
    act('crash', [getDriver().cluster.nodeIds[0]]);
    // On along the new branch, back, and to 65 s again: through the new branch's checkpoints only.
    seek(67_000);
    finishTask();
    const actions = getDriver().allActions();
    seek(10_000);
    finishTask();
    seek(65_000);
    finishTask();
    expect(getDriver().lastAdvanceEvents).toBeGreaterThan(0);
    expectAsFullReplay(actions, 65_000);
  });

  it('clicking an event far back seeks through a checkpoint too and stops right after that event', () => {
    busyRun();
    const target = getDriver().marks.find((m) => m.kind === 'crash')!;
    const restores = vi.spyOn(SimCluster.prototype, 'restoreState');
    seekToEvent(target.seq, target.at);
    finishTask();
    expect(restores).toHaveBeenCalledTimes(1);
    restores.mockRestore();
    expect(getDriver().seq).toBe(target.seq);
    expect(getDriver().feedTail(1)[0].e.kind).toBe('crash');
    expect(getDriver().feedTail(8000)[0].seq).toBeLessThanOrEqual(target.seq - FEED_MIN + 1);
  });
});
