// Issue 10, inputs: every argument of the headless API and every scenario number is checked at the call, with a clear error that leaves the cluster usable.
import { describe, expect, it } from 'vitest';
import { createCluster, type SimCluster } from '../../src/sim/index';
import { parseScenario, ScenarioError } from '../../src/sim/scenario';
import { at } from './helpers';

/** The error `fn` throws (fails when it returns). */
function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected an error, but the call returned');
}

/** A cluster that still elects and commits after the refused calls: nothing was half done. */
function stillUsable(c: SimCluster): void {
  const before = c.now;
  expect(Number.isFinite(before), at(c, 'time is a number')).toBe(true);
  expect(c.runUntil(() => c.leader() !== undefined, 3000), at(c, 'a leader')).toBe(true);
  const leader = c.leader()!;
  const placed = c.propose(leader, 'after');
  expect(placed, at(c, 'proposal accepted')).toBeDefined();
  expect(c.runUntil(() => c.node(leader).commitIndex >= placed!.index, 2000), at(c, 'it commits')).toBe(true);
  expect(c.now, at(c, 'time moved forward only')).toBeGreaterThanOrEqual(before);
}

function scenarioError(text: string): string {
  const err = thrown(() => parseScenario(text));
  expect(err).toBeInstanceOf(ScenarioError);
  return err.message;
}

describe('finding 2: time arguments that would never return', () => {
  it('runFor(Infinity), runFor(NaN) and runFor(-1) throw a RangeError at once and leave time where it was', () => {
    const c = createCluster({ seed: 2, nodes: 3 });
    c.runFor(100);
    for (const bad of [Infinity, -Infinity, NaN, -1, -0.001]) {
      const err = thrown(() => c.runFor(bad));
      expect(err, `runFor(${bad})`).toBeInstanceOf(RangeError);
      expect(err.message).toMatch(/runFor/);
      expect(c.now).toBe(100);
    }
    stillUsable(c);
  });

  it('runUntil(done, Infinity) throws a RangeError instead of spinning forever', () => {
    const c = createCluster({ seed: 2, nodes: 3 });
    const err = thrown(() => c.runUntil(() => false, Infinity));
    expect(err).toBeInstanceOf(RangeError);
    expect(err.message).toMatch(/runUntil/);
    expect(c.now).toBe(0);
    stillUsable(c);
  });

  it('step(count) takes a whole number of events; Infinity, NaN, negatives and fractions are refused', () => {
    const c = createCluster({ seed: 2, nodes: 3 });
    for (const bad of [Infinity, NaN, -1, 1.5]) expect(() => c.step(bad), `step(${bad})`).toThrow(RangeError);
    expect(c.eventCount).toBe(0);
    expect(c.step(5)).toBe(true);
    expect(c.eventCount).toBe(5);
    expect(c.step()).toBe(true);
    expect(c.eventCount).toBe(6);
    stillUsable(c);
  });

  it('the scenario lines `run 1e400ms`, `run until leader within 1e400ms`, `at 1e400ms` and `step 1e12` are refused when parsed, naming the line', () => {
    expect(scenarioError('nodes 3\nrun 1e400ms')).toMatch(/^line 2: .*finite/);
    expect(scenarioError('run until leader within 1e400s')).toMatch(/^line 1: .*finite/);
    expect(scenarioError('at 1e400ms crash n1')).toMatch(/^line 1: .*finite/);
    expect(scenarioError('step 1e12')).toMatch(/^line 1: .*at most 1000000/);
    // A day of simulated time is the most one line may ask for (a page would freeze far longer than that is worth).
    expect(scenarioError('run 2d')).toMatch(/^line 1: expected a duration/);
    expect(scenarioError('run 86400001ms')).toMatch(/^line 1: .*at most 86400000/);
    expect(parseScenario('run 86400000ms\nstep 1000000').steps).toHaveLength(2);
  });
});

describe('finding 3: time that would move backwards or become NaN', () => {
  it('runUntil(done, -500) and runUntil(done, NaN) throw a RangeError; now stays a number and never goes back', () => {
    const c = createCluster({ seed: 3, nodes: 3 });
    c.runFor(1000);
    for (const bad of [-500, NaN, -Infinity]) {
      const err = thrown(() => c.runUntil(() => false, bad));
      expect(err, `runUntil(done, ${bad})`).toBeInstanceOf(RangeError);
      expect(c.now).toBe(1000);
    }
    stillUsable(c);
  });

  it('runUntil needs a function to test', () => {
    const c = createCluster({ seed: 3, nodes: 3 });
    expect(() => c.runUntil(undefined as unknown as () => boolean, 100)).toThrow(TypeError);
    expect(c.now).toBe(0);
  });
});

describe('finding 11: publish() and command() check their arguments at the call', () => {
  const cases: Array<[string, () => [string, string, { id?: string; via?: string; client?: string }?]]> = [
    ['a message with a newline', () => ['t', 'two\nlines']],
    ['a message with a carriage return', () => ['t', 'two\rlines']],
    ['an empty message', () => ['t', '']],
    ['a message of spaces only', () => ['t', '   ']],
    ['a topic over 128 characters', () => ['x'.repeat(129), 'm']],
    ['an id over 128 characters', () => ['t', 'm', { id: 'i'.repeat(129) }]],
    ['a topic with a space', () => ['a b', 'm']],
    ['an empty topic', () => ['', 'm']],
    ['an id with a space', () => ['t', 'm', { id: 'a b' }]],
    ['a line over the protocol limit of 65,536 characters', () => ['t', 'm'.repeat(65_536)]],
    ['an unknown via node', () => ['t', 'm', { via: 'n9' }]],
    ['a client id with a space', () => ['t', 'm', { client: 'bad id' }]],
  ];
  for (const [what, args] of cases) {
    it(`refuses ${what} with a RangeError, records no action and sends nothing`, () => {
      const c = createCluster({ seed: 11, nodes: 3 });
      c.runFor(500);
      const sent = c.sentCount();
      const [topic, message, options] = args();
      const err = thrown(() => c.publish(topic, message, options));
      expect(err).toBeInstanceOf(RangeError);
      expect(err.message).toMatch(/^publish: /);
      expect(c.actions()).toEqual([]);
      expect(c.sentCount()).toBe(sent);
      // The publisher's client is untouched too: a good publish right after goes through.
      const ok = c.publish('t', 'fine');
      expect(c.runUntil(() => ok.status !== 'pending', 12_000), at(c, 'the next publish ends')).toBe(true);
      expect(ok.status).toBe('ok');
    });
  }

  it('a message of exactly the largest size that fits one line is accepted', () => {
    const c = createCluster({ seed: 11, nodes: 3 });
    const id = 'big';
    const room = 65_536 - `PUB t --id ${id} `.length;
    const p = c.publish('t', 'm'.repeat(room), { id });
    expect(c.runUntil(() => p.status !== 'pending', 12_000)).toBe(true);
    expect(p.status).toBe('ok');
  });

  it('refuses non-string arguments with a TypeError: command(id, undefined), publish(undefined, …)', () => {
    const c = createCluster({ seed: 11, nodes: 3 });
    expect(() => c.command('n1', undefined as unknown as string)).toThrow(TypeError);
    expect(() => c.command('n1', 42 as unknown as string)).toThrow(TypeError);
    expect(() => c.publish(undefined as unknown as string, 'm')).toThrow(TypeError);
    expect(() => c.publish('t', null as unknown as string)).toThrow(TypeError);
    expect(() => c.command('n1', 'PING', { client: 7 as unknown as string })).toThrow(TypeError);
    expect(c.actions()).toEqual([]);
    // Formerly command(id, undefined) threw later, inside runFor.
    c.runFor(1000);
    stillUsable(c);
  });

  it('command() to an unknown node or with a bad client id throws before anything is recorded', () => {
    const c = createCluster({ seed: 11, nodes: 3 });
    expect(() => c.command('n9', 'PING')).toThrow(RangeError);
    expect(() => c.command('n1', 'PING', { client: 'n2' })).toThrow(RangeError);
    expect(() => c.command('n1', 'PING', { client: 'no way' })).toThrow(RangeError);
    expect(c.actions()).toEqual([]);
  });
});
