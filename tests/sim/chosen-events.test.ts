// Chosen events (the explorer's hook): deliver a message, fire a timer, duplicate a message — now, as recorded, replayable actions.
import { describe, expect, it } from 'vitest';
import { createCluster, replay, type SimEvent } from '../../src/sim';
import { parseScenario, runScenario, toScenario } from '../../src/sim/scenario';
import { parseSaved, savedRun } from '../../src/store/share';

const QUIET = { nodes: 3, seed: 4, clocks: { sync: 'off' as const }, detector: { kind: 'off' as const } };

function state(c: ReturnType<typeof createCluster>): string {
  return JSON.stringify({
    nodes: c.nodeIds.map((id) => {
      const v = c.node(id);
      return [v.role, v.term, v.votedFor, v.commitIndex, v.log.map((e) => e.term)];
    }),
    inFlight: c.inFlight().map((m) => [m.id, m.type, m.from, m.to, m.duplicate]),
    timers: c.runningTimers().map((t) => [t.node, t.timer]),
    now: c.now,
    events: c.eventCount,
  });
}

describe('chosen events', () => {
  it('fire: a running election timer fires now, once; time does not move', () => {
    const c = createCluster(QUIET);
    expect(c.runningTimers().map((t) => t.timer)).toEqual(['election', 'election', 'election']);
    const events = c.eventCount;
    expect(c.fire('n2', 'election')).toBe(true);
    expect(c.now).toBe(0);
    expect(c.eventCount).toBe(events + 1);
    expect(c.node('n2')).toMatchObject({ role: 'candidate', term: 1, votedFor: 'n2' });
    expect(c.inFlight().map((m) => `${m.type} ${m.from}→${m.to}`)).toEqual(['RequestVote n2→n1', 'RequestVote n2→n3']);
    expect(c.fire('n2', 'heartbeat')).toBe(false); // not running: nothing happens
    expect(c.eventCount).toBe(events + 1);
  });

  it('deliver: a message arrives now, ahead of its time, and never again', () => {
    const c = createCluster(QUIET);
    const seen: SimEvent[] = [];
    c.onEvent((e) => seen.push(e));
    c.fire('n2', 'election');
    const [toN1, toN3] = c.inFlight();
    expect(c.deliver(toN3.id)).toBe(true);
    expect(c.now).toBe(0);
    expect(c.node('n3')).toMatchObject({ term: 1, votedFor: 'n2' });
    expect(c.inFlight().map((m) => `${m.type} ${m.from}→${m.to}`)).toEqual([`RequestVote n2→${toN1.to}`, 'RequestVoteReply n3→n2']);
    expect(c.inFlight().some((m) => m.id === toN3.id)).toBe(false);
    expect(c.deliver(toN3.id)).toBe(false);
    // The reply makes n2 leader at once (two of three votes).
    const reply = c.inFlight().find((m) => m.type === 'RequestVoteReply')!;
    expect(c.deliver(reply.id)).toBe(true);
    expect(c.leader()).toBe('n2');
    // Running on: the early-delivered RequestVote is not delivered a second time at its arrival time.
    c.runFor(100);
    expect(seen.filter((e) => e.kind === 'deliver' && e.msgId === toN3.id)).toHaveLength(1);
    expect(c.leader()).toBe('n2');
  });

  it('duplicate: a second copy arrives too, and can be delivered on its own', () => {
    const c = createCluster(QUIET);
    c.fire('n1', 'election');
    const rv = c.inFlight()[0];
    expect(c.duplicate(rv.id)).toBe(true);
    expect(c.duplicate(rv.id)).toBe(false); // one copy per message, so (id, copy) names each
    expect(c.inFlight().filter((m) => m.id === rv.id).map((m) => m.duplicate)).toEqual([false, true]);
    expect(c.deliver(rv.id, true)).toBe(true);
    expect(c.deliver(rv.id)).toBe(true);
    const replies = c.inFlight().filter((m) => m.type === 'RequestVoteReply');
    expect(replies).toHaveLength(2);
    expect(replies.every((m) => (m.payload as { voteGranted: boolean }).voteGranted)).toBe(true);
  });

  it('a run of chosen events replays exactly: from the action log, from scenario text, through a share link', () => {
    const c = createCluster(QUIET);
    c.runFor(20);
    c.fire('n3', 'election');
    const rvs = c.inFlight().filter((m) => m.type === 'RequestVote');
    c.duplicate(rvs[0].id);
    c.deliver(rvs[0].id, true);
    c.deliver(rvs[1].id);
    for (let i = 0; i < 3; i++) {
      const m = c.inFlight().find((x) => x.type === 'RequestVoteReply');
      if (m) c.deliver(m.id);
    }
    expect(c.leader()).toBe('n3');
    c.fire('n3', 'heartbeat');
    c.deliver(c.inFlight().at(-1)!.id);
    const want = state(c);

    expect(state(replay(QUIET, c.actions()))).toBe(want);

    const text = toScenario(QUIET, c.actions());
    expect(text).toMatch(/^at 20ms #\d+ fire n3 election$/m);
    expect(text).toMatch(/^at 20ms #\d+ duplicate #\d+$/m);
    expect(text).toMatch(/^at 20ms #\d+ deliver #\d+ copy$/m);
    const r = runScenario(text);
    expect(r.failure?.message).toBeUndefined();
    expect(state(r.runner.cluster)).toBe(want);

    const parsed = parseSaved(JSON.parse(JSON.stringify(savedRun({ seed: 4, nodes: 3, clocks: { sync: 'off' } }, c.actions(), c.now))));
    expect(parsed.ok).toBe(true);
  });

  it('scenario commands: deliver by type and ends, fire, errors name what is running', () => {
    const r = runScenario(`seed 4
nodes 3
sync off
detector off
fire n1 election
deliver RequestVote to=n2
deliver RequestVoteReply from=n2
expect leader n1
fire n1 heartbeat
expect in-flight AppendEntries from=n1 count = 4
`);
    expect(r.failure?.message).toBeUndefined();
    expect(r.results[1].output).toEqual([expect.stringMatching(/^delivered #\d+ RequestVote n1→n2$/)]);
    const bad = runScenario('seed 4\nnodes 3\nfire n1 heartbeat\n');
    expect(bad.failure?.message).toMatch(/n1's heartbeat timer is not running \(running: detector, election, sync\)/);
    expect(runScenario('nodes 3\ndeliver #99\n').failure?.message).toMatch(/message #99 is not in flight/);
    expect(() => parseScenario('nodes 3\nduplicate 5\n')).toThrow(/line 2: expected #<message id>/);
  });
});

describe('replay refuses an action whose event count was edited (audit r5)', () => {
  it('too small: events still due before the action would run after it, with earlier times; the exact count replays', () => {
    const c = createCluster({ seed: 1, nodes: 3 });
    c.runFor(1000);
    c.heal();
    const [a] = c.actions();
    expect(a).toMatchObject({ at: 1000, op: 'heal' });
    const options = { seed: 1, nodes: 3 };
    expect(() => replay(options, [{ ...a, events: 5 }])).toThrow(/replay diverged: events due before the action at t=1000 were not processed \(its event count 5 is too small\)/);
    expect(() => replay(options, [{ ...a, events: a.events + 1 }])).toThrow(/replay diverged/);
    const back = replay(options, [a]);
    back.runFor(500);
    c.runFor(500);
    expect(back.journal()).toEqual(c.journal());
  });
});

describe('chosen events and propose check their arguments before recording them (audit r5)', () => {
  it('a bad message number, timer name or command is refused and leaves no action a link could not carry', () => {
    const c = createCluster({ seed: 2, nodes: 3 });
    c.runUntil(() => c.leader() !== undefined, 3000);
    const leader = c.leader()!;
    for (const call of [
      () => c.dropMessage('x' as never),
      () => c.deliver(Infinity),
      () => c.deliver(1, 'yes' as never),
      () => c.duplicate(Number.NaN),
      () => c.fire(leader, {} as never),
      () => c.propose(leader, 42 as never),
      () => c.propose(leader, 'x'.repeat(10_001)),
    ]) expect(call).toThrow(/needs a|must be|at most 10,000 characters/);
    expect(c.actions()).toEqual([]);
    expect(c.propose(leader, 'x'.repeat(10_000))).toBeDefined();
    expect(c.actions()).toHaveLength(1);
  });
});
