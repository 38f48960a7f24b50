// @vitest-environment happy-dom
// The store's playback: stepping, running to the next election, rewind by replay, forks, violations pausing, bad runs changing nothing.
import { beforeEach, describe, expect, it } from 'vitest';
import { fingerprint } from '../../src/store/fingerprint';
import { runScenario } from '../../src/store/scenarios';
import {
  act, finishTask, getDriver, newRun, runUntilElection, runUntilLeader, seek, seekToEvent, stepDelivery, stepEvent, useSim,
} from '../../src/store/sim';
import { freshRun } from './helpers';

const fp = (): string => {
  const d = getDriver();
  return fingerprint(d.now, d.seq, d.views(true));
};

describe('playback', () => {
  beforeEach(() => freshRun());

  it('a step processes one event, pauses, and selects its last journal event', () => {
    const before = getDriver().cluster.eventCount;
    stepEvent();
    expect(getDriver().cluster.eventCount).toBe(before + 1);
    expect(useSim.getState().playing).toBe(false);
    expect(useSim.getState().lastStep.length).toBeGreaterThan(0);
    expect(useSim.getState().selection.event).toBe(getDriver().seq);
  });

  it('next delivery stops right after a deliver event', () => {
    stepDelivery();
    finishTask();
    const last = useSim.getState().lastStep.at(-1)!;
    expect(last.e.kind).toBe('deliver');
    expect(useSim.getState().now).toBe(last.e.at);
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

  it('returning to the end after a rewind resumes the kept cluster instead of replaying', () => {
    seek(800);
    finishTask();
    const end = getDriver().cluster;
    const print = fp();
    seek(100);
    finishTask();
    expect(getDriver().cluster).not.toBe(end);
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

  it('with the rules on, the same scenario keeps every property', () => {
    freshRun();
    runScenario('figure8-safe');
    finishTask();
    expect(useSim.getState().violations).toEqual([]);
    expect(useSim.getState().marks.some((m) => m.kind === 'violation')).toBe(false);
  });
});
