// Issue 10, inputs: every argument of the headless API and every scenario number is checked at the call, with a clear error that leaves the cluster usable.
import { describe, expect, it } from 'vitest';
import { ConfigError, createCluster, replay, type ActionRecord, type ClusterOptions, type SimCluster } from '../../src/sim/index';
import { warnings } from '../../src/sim/options';
import { parseScenario, runScenario, ScenarioError, toScenario } from '../../src/sim/scenario';
import { at, canonical } from './helpers';

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

describe('finding 4: every option is validated by one schema; ConfigError names the option path', () => {
  const bad: Array<[string, ClusterOptions, RegExp]> = [
    ['maxEntriesPerMessage 0', { maxEntriesPerMessage: 0 }, /^maxEntriesPerMessage must be a whole number from 1/],
    ['maxEntriesPerMessage -1', { maxEntriesPerMessage: -1 }, /^maxEntriesPerMessage must be/],
    ['maxEntriesPerMessage NaN', { maxEntriesPerMessage: NaN }, /^maxEntriesPerMessage must be .* \(got NaN\)/],
    ['startupGraceMs NaN', { startupGraceMs: NaN }, /^startupGraceMs must be a finite, non-negative number of ms \(got NaN\)/],
    ['clocks.offsetMsMax NaN', { clocks: { offsetMsMax: NaN } }, /^clocks\.offsetMsMax must be/],
    ['broker.maxDelayMs NaN', { broker: { maxDelayMs: NaN } }, /^broker\.maxDelayMs must be/],
    ['broker.commitTimeoutMs NaN', { broker: { commitTimeoutMs: NaN } }, /^broker\.commitTimeoutMs must be/],
    ['broker.commitTimeoutMs 0', { broker: { commitTimeoutMs: 0 } }, /^broker\.commitTimeoutMs must be/],
    ['broker.dedupWindow 1.5', { broker: { dedupWindow: 1.5 } }, /^broker\.dedupWindow must be/],
    ['journalLimit NaN', { journalLimit: NaN }, /^journalLimit must be/],
    ['journalLimit -1', { journalLimit: -1 }, /^journalLimit must be/],
    ['heartbeatMs Infinity', { heartbeatMs: Infinity }, /^heartbeatMs must be .* \(got Infinity\)/],
    ['heartbeatMs 0', { heartbeatMs: 0 }, /^heartbeatMs must be/],
    ['an unknown detector.kind', { detector: { kind: 'gossip' as 'phi' } }, /^detector\.kind must be one of 'timeout', 'phi', 'off' \(got "gossip"\)/],
    ['detector.phiThreshold NaN', { detector: { phiThreshold: NaN } }, /^detector\.phiThreshold must be/],
    ['detector.suspectAfterMs 0', { detector: { suspectAfterMs: 0 } }, /^detector\.suspectAfterMs must be/],
    ['checkers true', { checkers: true as unknown as false }, /^checkers must be 'throw', 'record' or false \(got true\)/],
    ['checkers "yes"', { checkers: 'yes' as 'throw' }, /^checkers must be/],
    ['rules.voteLogCheck "no"', { rules: { voteLogCheck: 'no' as unknown as boolean } }, /^rules\.voteLogCheck must be true or false \(got "no"\)/],
    ['rules.commitCurrentTermOnly 0', { rules: { commitCurrentTermOnly: 0 as unknown as boolean } }, /^rules\.commitCurrentTermOnly must be true or false/],
    ['an unknown rule', { rules: { preVote: true } as unknown as ClusterOptions['rules'] }, /^unknown option rules\.preVote \(known: voteLogCheck, commitCurrentTermOnly, oneChangeAtATime\)/],
    ['a misspelt option', { heartbeat: 50 } as unknown as ClusterOptions, /^unknown option heartbeat \(known: .*heartbeatMs/],
    ['network.dropRate 1.5', { network: { dropRate: 1.5 } }, /^network\.dropRate must be a number from 0 to 1 \(got 1\.5\)/],
    ['network.latencyMs [10, 5]', { network: { latencyMs: [10, 5] } }, /^network\.latencyMs must be a pair/],
    ['network.latencyMs [NaN, 5]', { network: { latencyMs: [NaN, 5] } }, /^network\.latencyMs must be a pair .* \(got \["NaN",5\]\)/],
    // A minute at most (an hour held 70,000 messages in flight: audit r7 inputs #3).
    ['network.latencyMs [0, 3600000]', { network: { latencyMs: [0, 3_600_000] } }, /^network\.latencyMs must be a pair \[min, max\] of numbers of ms with 0 <= min <= max <= 60000/],
    ['network.reorderDelayMs [0, 60001]', { network: { reorderDelayMs: [0, 60_001] } }, /^network\.reorderDelayMs must be a pair .* <= 60000/],
    ['electionTimeoutMs [300, 150]', { electionTimeoutMs: [300, 150] }, /^electionTimeoutMs must be a pair/],
    ['electionTimeoutMs [0, 0]', { electionTimeoutMs: [0, 0] }, /^electionTimeoutMs must be/],
    ['clocks.sync "gps"', { clocks: { sync: 'gps' as 'ntp' } }, /^clocks\.sync must be one of/],
    ['clocks.syncIntervalMs 0', { clocks: { syncIntervalMs: 0 } }, /^clocks\.syncIntervalMs must be/],
    ['clocks.driftPpmMax 1e6', { clocks: { driftPpmMax: 1e6 } }, /^clocks\.driftPpmMax must be/],
    ['maxInflight 0', { maxInflight: 0 }, /^maxInflight must be a whole number from 1/],
    ['nodes 0', { nodes: 0 }, /^nodes must be a whole number from 1 to 50/],
    ['nodes 2.5', { nodes: 2.5 }, /^nodes must be/],
    ['seed 1.5', { seed: 1.5 }, /^seed must be a whole number/],
    ['seed NaN', { seed: NaN }, /^seed must be/],
    ['config 42', { config: 42 as unknown as string }, /^config must be cluster\.yaml text/],
  ];
  for (const [what, options, message] of bad) {
    it(`refuses ${what}`, () => {
      const err = thrown(() => createCluster({ seed: 4, nodes: 3, ...options }));
      expect(err, what).toBeInstanceOf(ConfigError);
      expect(err.message).toMatch(message);
    });
  }

  it('accepts every documented value at the edges (and undefined for any key)', () => {
    const c = createCluster({
      seed: Number.MAX_SAFE_INTEGER, nodes: 3, electionTimeoutMs: [1, 1], heartbeatMs: 0.1, startupGraceMs: 0,
      network: { latencyMs: [0, 0], dropRate: 0, duplicateRate: 1, reorderRate: 1, reorderDelayMs: [0, 0] },
      clocks: { offsetMsMax: 0, driftPpmMax: 0, sync: 'off', syncIntervalMs: 1, countSelf: true },
      detector: { suspectAfterMs: 1, kind: 'off', phiThreshold: 0.5 },
      rules: { voteLogCheck: false, commitCurrentTermOnly: true }, checkers: false, journalLimit: 0,
      broker: { dedupWindow: 0, dedup: false, maxDelayMs: 0, commitTimeoutMs: 1 }, maxEntriesPerMessage: 1,
    });
    c.runFor(10);
    const d = createCluster({ seed: undefined, clocks: { sync: undefined }, broker: { dedupWindow: undefined }, network: { dropRate: undefined } });
    d.runFor(1000);
    expect(d.leader()).toBeDefined();
  });

  it('setNetwork refuses NaN and out-of-range settings with a RangeError naming the setting, and changes nothing', () => {
    const c = createCluster({ seed: 4, nodes: 3 });
    const before = { ...c.network };
    for (const change of [{ dropRate: NaN }, { latencyMs: [5, Infinity] as [number, number] }, { bogus: 1 } as object, { reorderRate: -0.5 }]) {
      const err = thrown(() => c.setNetwork(change));
      expect(err).toBeInstanceOf(RangeError);
      expect(err.message).toMatch(/^setNetwork: (network\.\w+ must be|unknown option network\.bogus)/);
    }
    c.setNetwork({ latencyMs: [20, 30] });
    expect(c.network).toEqual({ ...before, latencyMs: [20, 30] });
    expect(() => c.setNetwork({ reorderDelayMs: [60, 50] })).toThrow(RangeError);
    expect(c.actions().map((a) => a.op)).toEqual(['setNetwork']);
  });
});

describe('finding 4: warnings for valid settings that cannot work', () => {
  it('names heartbeat >= election timeout and equal election-timeout bounds, saying why; the defaults have none', () => {
    expect(warnings({})).toEqual([]);
    const w = warnings({ heartbeatMs: 200, electionTimeoutMs: [150, 150] });
    expect(w.map((x) => x.option)).toEqual(['heartbeatMs', 'electionTimeoutMs']);
    expect(w[0].text).toMatch(/not shorter than the shortest election timeout.*§5\.6/);
    expect(w[1].text).toMatch(/equal bounds.*split the vote.*§5\.2/);
  });

  it('the warnings describe real behaviour: with equal bounds and no jitter, elections split far more often than with the default range', () => {
    const elections = (options: ClusterOptions): number => {
      let n = 0;
      for (let seed = 1; seed <= 5; seed++) {
        const c = createCluster({ seed, nodes: 5, network: { latencyMs: [10, 10] }, ...options });
        c.onEvent((e) => {
          if (e.kind === 'role' && e.role === 'candidate') n++;
        });
        c.runFor(3000);
      }
      return n;
    };
    const healthy = elections({});
    const equal = elections({ electionTimeoutMs: [150, 150] });
    expect(equal).toBeGreaterThan(2 * healthy);
  });
});

/** The same run rebuilt twice, by replay() and through toScenario text: identical journals and action logs. */
function roundTrips(c: SimCluster): void {
  const again = replay(c.options, c.actions(), c.now);
  expect(canonical(again.journal()), 'replay() reproduces the journal').toBe(canonical(c.journal()));
  const text = toScenario(c.options, c.actions(), { at: c.now, events: c.eventCount });
  const r = runScenario(text);
  expect(r.failure?.message, text).toBeUndefined();
  expect(canonical(r.runner.cluster.actions()), 'same actions').toBe(canonical(c.actions()));
  expect(canonical(r.runner.cluster.journal()), 'toScenario reproduces the journal').toBe(canonical(c.journal()));
}

describe('finding 10: replay, toScenario and seeds', () => {
  it('replay() of an action log with a subscribe action rebuilds the run (it threw a TypeError)', () => {
    const c = createCluster({ seed: 10, nodes: 3 });
    c.runUntil(() => c.leader() !== undefined, 3000);
    const log: ActionRecord[] = [{ at: c.now, events: c.eventCount, op: 'subscribe', args: ['n1', 'news', { client: 'reader' }] }];
    const r = replay({ seed: 10, nodes: 3 }, log);
    r.publish('news', 'hello', { via: 'n1' });
    r.runFor(1000);
    expect(r.received('reader').map((x) => x.line)).toEqual([expect.stringMatching(/^MSG news pub:1 1 .* hello$/)]);
  });

  it('subscribe() records one action that replay() and toScenario reproduce exactly', () => {
    const c = createCluster({ seed: 10, nodes: 3 });
    c.runUntil(() => c.leader() !== undefined, 3000);
    const h = c.subscribe('n2', 'news', { client: 'reader' });
    c.subscribe('n3', 'news');
    c.publish('news', 'one');
    c.runFor(1500);
    expect(h.lines).toEqual(['OK subscribed news']);
    expect(c.received('reader')).toHaveLength(1);
    expect(c.received('sub')).toHaveLength(1);
    expect(c.actions().map((a) => a.op)).toEqual(['subscribe', 'subscribe', 'publish']);
    roundTrips(c);
  });

  it('subscribe() checks its arguments at the call', () => {
    const c = createCluster({ seed: 10, nodes: 3 });
    expect(() => c.subscribe('n1', 'two words')).toThrow(RangeError);
    expect(() => c.subscribe('n1', 't'.repeat(129))).toThrow(RangeError);
    expect(() => c.subscribe('n9', 't')).toThrow(RangeError);
    expect(() => c.subscribe('n1', 't', { client: 'n1' })).toThrow(RangeError);
    expect(c.actions()).toEqual([]);
  });

  it('partition refuses a non-array or a group that is not an array by name, and records nothing', () => {
    const c = createCluster({ seed: 10, nodes: 3 });
    const before = c.actions().length;
    expect(() => c.partition('n1' as unknown as string[][])).toThrow(/partition needs an array of groups, each an array of node ids \(got "n1"\)/);
    expect(() => c.partition(['n1'] as unknown as string[][])).toThrow(/partition needs an array of groups/);
    expect(c.actions()).toHaveLength(before);
  });

  it('toScenario writes partition([["n1"]]) (one group: n1 against the rest) so that it parses and replays identically', () => {
    const c = createCluster({ seed: 10, nodes: 5 });
    c.runFor(600);
    c.partition([['n1']]);
    c.runFor(600);
    c.partition([['n2', 'n3'], []]);
    c.runFor(300);
    c.partition([]);
    c.runFor(300);
    expect(c.groups()).toEqual({ n1: 0, n2: 0, n3: 0, n4: 0, n5: 0 });
    const text = toScenario(c.options, c.actions());
    expect(text).toContain('partition n1\n');
    expect(text).toMatch(/partition\n/);
    roundTrips(c);
  });

  it('seeds below -2^31 and above 2^32 are accepted by the API and by the scenario parser alike, and round-trip', () => {
    for (const seed of [-(2 ** 31) - 5, 2 ** 40 + 3, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER]) {
      const c = createCluster({ seed, nodes: 3 });
      c.runFor(400);
      c.crash(c.nodeIds[0]);
      c.runFor(400);
      expect(parseScenario(`seed ${seed}\nrun 1ms`).options.seed).toBe(seed);
      roundTrips(c);
    }
  });

  it('seeds are not taken modulo 2^32: -1 and 4294967295 (and 1 and 2^32 + 1) are different runs', () => {
    const journal = (seed: number): string => {
      const c = createCluster({ seed, nodes: 3, network: { dropRate: 0.1 } });
      c.runFor(2000);
      return canonical(c.journal());
    };
    expect(journal(-1)).not.toBe(journal(4294967295));
    expect(journal(1)).not.toBe(journal(2 ** 32 + 1));
    expect(journal(7)).toBe(journal(7));
  });

  it('seeds outside the safe integer range are refused by the API (ConfigError) and by the parser (naming the line)', () => {
    for (const seed of [2 ** 53, -(2 ** 53), 1e300]) {
      const err = thrown(() => createCluster({ seed }));
      expect(err).toBeInstanceOf(ConfigError);
      expect(err.message).toMatch(/^seed must be a whole number from -9007199254740991 to 9007199254740991/);
    }
    expect(scenarioError('seed 9007199254740992\nrun 1ms')).toMatch(/^line 1: expected a seed of at most 9007199254740991/);
    expect(scenarioError('seed -9007199254740992')).toMatch(/^line 1: expected a seed \(an integer >= -9007199254740991\)/);
  });
});

const yaml = (ids: string[]): string => `nodes:\n${ids.map((id, i) => `  - id: ${JSON.stringify(id)}\n    host: 127.0.0.1\n    port: ${9101 + i}\n`).join('')}`;

describe('finding 5: reserved ids are refused; names chosen by users are Map keys', () => {
  for (const [id, who] of [['time', 'the time server'], ['pub', 'a simulated client'], ['console', 'a simulated client'], ['sub', 'a simulated client'], ['wl3', 'a simulated client']]) {
    it(`a node named '${id}' is refused with a ConfigError (it is ${who}'s id)`, () => {
      const err = thrown(() => createCluster({ config: yaml(['n1', id, 'n3']) }));
      expect(err).toBeInstanceOf(ConfigError);
      expect(err.message).toBe(`Node id '${id}' is reserved for ${who} (nodes[1].id)`);
    });
  }

  it('a node named __proto__ works like any other: it elects, publishes, and has its own detector statistics and group', () => {
    const c = createCluster({ seed: 5, config: yaml(['__proto__', 'constructor', 'toString']), network: { dropRate: 0.05 } });
    expect(c.runUntil(() => c.leader() !== undefined, 3000)).toBe(true);
    const p = c.publish('t', 'hello', { via: '__proto__' });
    expect(c.runUntil(() => p.status === 'ok', 12_000), at(c, 'publish via __proto__')).toBe(true);
    c.disconnect('__proto__');
    c.runFor(2000);
    const stats = c.detectorStats();
    expect(Object.keys(stats.byNode)).toEqual(['__proto__', 'constructor', 'toString']);
    expect(Object.getPrototypeOf(stats.byNode)).toBe(Object.prototype);
    expect(stats.byNode['__proto__']).toEqual({ suspicions: expect.any(Number), falseSuspicions: expect.any(Number) });
    expect(stats.byNode['constructor'].suspicions).toBeGreaterThan(0);
    expect(stats.total.suspicions).toBe(Object.values(stats.byNode).reduce((n, s) => n + s.suspicions, 0));
    expect(Object.keys(c.groups())).toEqual(['__proto__', 'constructor', 'toString']);
    c.heal();
    c.runFor(1000);
    for (const id of c.nodeIds) expect(c.history(id, 't').map((r) => r.message), id).toEqual(['hello']);
  });
});
