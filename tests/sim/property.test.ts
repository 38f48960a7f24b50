// Issue 10, property tests (fast-check): random sequences of headless API calls, invalid ones among them. No call
// hangs; every invalid call throws a clear error at once and changes nothing; every run round-trips through
// toScenario to an identical journal, and replay() reproduces it; afterwards the cluster still elects and commits.
//
//   FC_RUNS=5000 npx vitest run tests/sim/property.test.ts     more sequences (default 300; FULL=1: 1000)
//   FC_SEED=123 …                                              another fixed seed (default 20250)
//   A failure prints fast-check's seed and path: FC_SEED=<seed> with fast-check's `path` replays it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CheckerViolation, ConfigError, createCluster, replay, type ClusterOptions, type NetworkSettings, type SimCluster } from '../../src/sim/index';
import { runScenario, toScenario } from '../../src/sim/scenario';
import { canonical } from './helpers';

const RUNS = Number(process.env.FC_RUNS ?? (process.env.FULL === '1' ? 1000 : 300));
const SEED = Number(process.env.FC_SEED ?? 20250);

/** One API call: `valid` says whether it must succeed (true) or throw at once and change nothing (false). */
interface Call {
  readonly valid: boolean;
  readonly label: string;
  readonly run: (c: SimCluster) => unknown;
}

const call = (valid: boolean, label: string, run: (c: SimCluster) => unknown): Call => ({ valid, label, run });

const MAX_NODES = 4;
const badNodeId = fc.constantFrom('n9', '', '__proto__', 'time', 'N1');
const clientId = fc.constantFrom('pub', 'sub', 'console', 'c-1', 'r.2');
const badClientId = fc.constantFrom('n1', 'time', 'two words', '', 'x'.repeat(33));
const topic = fc.constantFrom('t', 'orders', 'a.b', 'x'.repeat(128));
/** Texts with quotes, flags, unicode, spaces at the ends: what toScenario must quote to read back. */
const text = fc.oneof(
  fc.constantFrom('hello', ' lead', 'trail ', '"quoted"', 'x --wait', 'a --id b', 'ünï ✓', '<b>bold</b>', 'tab\there', '#hash', '|'),
  fc.string({ minLength: 1, maxLength: 12 }).filter((s) => !/[\r\n]/.test(s) && s.trim().length > 0),
);
const anyLine = fc.oneof(
  fc.constantFrom('PING', 'QUIT', 'SUB t', 'HISTORY t 5', 'HISTORY t -3', 'PUB t hi', 'PUB t --id k again', 'pub lower', '', 'GARBAGE ✓', 'PUB t two\nlines', 'PING\r\n', '"PING"'),
  fc.string({ maxLength: 20, unit: 'binary' }),
);
/** Raft commands are stored verbatim: anything at all, line breaks and lone surrogates included. */
const anyText = fc.oneof(text, fc.string({ maxLength: 16, unit: 'binary' }), fc.constantFrom('', 'a\nb', '\\', '"', '""'));
const ms = fc.double({ min: 0, max: 400, noNaN: true });
const badMs = fc.constantFrom(-1, -0.5, Number.NaN, Infinity, -Infinity);
const rate = fc.double({ min: 0, max: 0.3, noNaN: true });

/** Calls that must succeed on a cluster of nodes `ids`. */
function validCall(ids: readonly string[]): fc.Arbitrary<Call> {
  const nodeId = fc.constantFrom(...[...ids]);
  return fc.oneof(
  { weight: 6, arbitrary: ms.map((x) => call(true, `runFor(${x})`, (c) => c.runFor(x))) },
  { weight: 2, arbitrary: fc.tuple(ms, fc.boolean()).map(([x, leader]) => call(true, `runUntil(${leader ? 'leader' : 'never'}, ${x})`, (c) => c.runUntil(() => leader && c.leader() !== undefined, x))) },
  { weight: 2, arbitrary: fc.nat(40).map((n) => call(true, `step(${n})`, (c) => c.step(n))) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom('crash', 'restart', 'disconnect', 'reconnect', 'timeout'), nodeId).map(([op, id]) => call(true, `${op}(${id})`, (c) => (c as unknown as Record<string, (x: string) => void>)[op](id))) },
  {
    weight: 1,
    arbitrary: fc.shuffledSubarray([...ids], { minLength: 1 }).chain((order) =>
      fc.nat(order.length).map((k) => {
        const groups = k === 0 || k === order.length ? [order] : [order.slice(0, k), order.slice(k)];
        return call(true, `partition(${JSON.stringify(groups)})`, (c) => c.partition(groups));
      }),
    ),
  },
  { weight: 1, arbitrary: fc.constant(call(true, 'heal()', (c) => c.heal())) },
  { weight: 1, arbitrary: fc.tuple(nodeId, nodeId, fc.boolean()).map(([a, b, cut]) => call(true, `${cut ? 'cut' : 'restore'}Link(${a}, ${b})`, (c) => (cut ? c.cutLink(a, b) : c.restoreLink(a, b)))) },
  {
    weight: 1,
    arbitrary: fc
      .record({ dropRate: rate, duplicateRate: rate, reorderRate: rate, latencyMs: fc.constantFrom<[number, number]>([5, 15], [1, 30], [0, 0]) }, { requiredKeys: [] })
      .filter((s) => Object.keys(s).length > 0)
      .map((s) => call(true, `setNetwork(${JSON.stringify(s)})`, (c) => c.setNetwork(s as Partial<NetworkSettings>))),
  },
  { weight: 1, arbitrary: fc.tuple(nodeId, fc.record({ offsetMs: fc.integer({ min: -500, max: 500 }), driftPpm: fc.integer({ min: -200, max: 200 }), stepMs: fc.integer({ min: -100, max: 100 }) }, { requiredKeys: [] }).filter((ch) => Object.keys(ch).length > 0)).map(([id, ch]) => call(true, `setClock(${id}, ${JSON.stringify(ch)})`, (c) => c.setClock(id, ch))) },
  { weight: 2, arbitrary: fc.tuple(nodeId, anyText).map(([id, t]) => call(true, `propose(${id}, ${JSON.stringify(t)})`, (c) => c.propose(id, t))) },
  {
    weight: 4,
    arbitrary: fc
      .tuple(topic, text, fc.option(fc.constantFrom('k1', 'k2', 'pay-9'), { nil: undefined }), fc.option(nodeId, { nil: undefined }), fc.option(clientId, { nil: undefined }))
      .map(([t, m, id, via, client]) => {
        const o: { id?: string; via?: string; client?: string } = {};
        if (id !== undefined) o.id = id;
        if (via !== undefined) o.via = via;
        if (client !== undefined) o.client = client;
        return call(true, `publish(${t}, ${JSON.stringify(m)}, ${JSON.stringify(o)})`, (c) => c.publish(t, m, o));
      }),
  },
  { weight: 3, arbitrary: fc.tuple(nodeId, anyLine, fc.option(clientId, { nil: undefined })).map(([id, line, client]) => call(true, `command(${id}, ${JSON.stringify(line)})`, (c) => c.command(id, line, client === undefined ? {} : { client }))) },
  { weight: 1, arbitrary: fc.tuple(nodeId, fc.constantFrom('t', 'orders'), clientId).map(([id, t, client]) => call(true, `subscribe(${id}, ${t}, ${client})`, (c) => c.subscribe(id, t, { client }))) },
  { weight: 1, arbitrary: fc.tuple(clientId, nodeId).map(([client, id]) => call(true, `resetConnection(${client}, ${id})`, (c) => c.resetConnection(client, id))) },
  { weight: 1, arbitrary: fc.nat(300).map((m) => call(true, `dropMessage(${m})`, (c) => c.dropMessage(m))) },
  );
}

const invalidCall: fc.Arbitrary<Call> = fc.oneof(
  badMs.map((x) => call(false, `runFor(${x})`, (c) => c.runFor(x))),
  badMs.map((x) => call(false, `runUntil(never, ${x})`, (c) => c.runUntil(() => false, x))),
  fc.constantFrom(-1, 1.5, Number.NaN, Infinity).map((n) => call(false, `step(${n})`, (c) => c.step(n))),
  fc.tuple(fc.constantFrom('crash', 'restart', 'disconnect', 'reconnect', 'timeout', 'node'), badNodeId).map(([op, id]) => call(false, `${op}(${JSON.stringify(id)})`, (c) => (c as unknown as Record<string, (x: string) => void>)[op](id))),
  badNodeId.map((id) => call(false, `partition([[n1, ${id}]])`, (c) => c.partition([['n1', id]]))),
  fc.constant(call(false, 'partition([[n1], [n1]])', (c) => c.partition([['n1'], ['n1']]))),
  fc.constantFrom<Partial<NetworkSettings>>({ dropRate: 1.5 }, { dropRate: Number.NaN }, { latencyMs: [10, 5] }, { reorderDelayMs: [0, Infinity] }, { bogus: 1 } as never, {}, { dropRate: undefined }).map((s) => call(false, `setNetwork(${JSON.stringify(s)})`, (c) => c.setNetwork(s))),
  fc.constantFrom<object>({ offsetMs: Number.NaN }, { driftPpm: -1e6 }, { stepMs: Infinity }, {}, { offsetMs: undefined }, { bogus: 1 }).map((ch) => call(false, `setClock(n1, ${JSON.stringify(ch)})`, (c) => c.setClock('n1', ch as { offsetMs?: number }))),
  fc.constantFrom<[string, string, object?]>(
    ['t', 'two\nlines'], ['t', ''], ['t', '   '], ['a b', 'm'], ['', 'm'], ['x'.repeat(129), 'm'], ['t', 'm', { id: 'i'.repeat(129) }],
    ['t', 'm', { id: 'a b' }], ['t', 'm'.repeat(65_530)], ['t', 'm', { via: 'n9' }], ['t', 'm', { client: 'n1' }], ['t', 'm', { client: 'bad id' }],
  ).map(([t, m, o]) => call(false, `publish(${JSON.stringify(t).slice(0, 20)}, …)`, (c) => c.publish(t, m, o as { id?: string }))),
  fc.constantFrom(undefined, null, 42).map((line) => call(false, `command(n1, ${String(line)})`, (c) => c.command('n1', line as unknown as string))),
  badClientId.map((client) => call(false, `command(n1, PING, ${client})`, (c) => c.command('n1', 'PING', { client }))),
  fc.constantFrom('two words', '', 'x'.repeat(129)).map((t) => call(false, `subscribe(n1, ${JSON.stringify(t).slice(0, 20)})`, (c) => c.subscribe('n1', t))),
  badClientId.map((client) => call(false, `resetConnection(${client}, n1)`, (c) => c.resetConnection(client, 'n1'))),
);

const options: fc.Arbitrary<ClusterOptions> = fc.record(
  {
    seed: fc.integer({ min: -(2 ** 40), max: 2 ** 40 }),
    nodes: fc.integer({ min: 1, max: MAX_NODES }),
    broker: fc.record({ dedup: fc.constantFrom<true | 'sessions'>(true, 'sessions'), dedupWindow: fc.integer({ min: 1, max: 100 }) }, { requiredKeys: [] }),
    network: fc.record({ dropRate: rate, duplicateRate: rate, reorderRate: rate }, { requiredKeys: [] }),
  },
  { requiredKeys: ['seed', 'nodes'] },
);

/** Options, and calls for a cluster of that size: valid ones mixed with invalid ones (about one in five). */
const sequences = options.chain((o) => {
  const ids = Array.from({ length: o.nodes ?? 5 }, (_, i) => `n${i + 1}`);
  const calls = fc.array(fc.oneof({ weight: 4, arbitrary: validCall(ids) }, { weight: 1, arbitrary: invalidCall }), { minLength: 1, maxLength: 18 });
  return calls.map((cs) => [o, cs] as const);
});

/** Runs the calls on a fresh cluster; every failure names the call. Returns the cluster. */
function perform(o: ClusterOptions, calls: readonly Call[]): SimCluster {
  const c = createCluster({ ...o, checkers: 'throw' });
  for (const k of calls) {
    const before = { now: c.now, events: c.eventCount, actions: c.actions().length };
    let error: unknown;
    try {
      k.run(c);
    } catch (err) {
      error = err;
    }
    if (error instanceof CheckerViolation) throw error;
    if (k.valid) {
      expect(error, `${k.label} threw`).toBeUndefined();
    } else {
      expect(error, `${k.label} should have thrown`).toBeInstanceOf(Error);
      expect(error instanceof RangeError || error instanceof TypeError, `${k.label}: ${String(error)}`).toBe(true);
      expect((error as Error).message.length, k.label).toBeGreaterThan(10);
      expect({ now: c.now, events: c.eventCount, actions: c.actions().length }, `${k.label} changed the cluster`).toEqual(before);
    }
  }
  return c;
}

describe('property: random API call sequences', () => {
  it(`${RUNS} sequences: invalid calls throw and change nothing; runs round-trip through toScenario and replay() to the same journal; the cluster stays usable`, () => {
    let invalidSeen = 0;
    let callsSeen = 0;
    fc.assert(
      fc.property(sequences, ([o, calls]) => {
        callsSeen += calls.length;
        invalidSeen += calls.filter((k) => !k.valid).length;
        const c = perform(o, calls);
        const journal = canonical(c.journal());
        // replay() rebuilds the run from its options and action log.
        const again = replay(c.options, c.actions(), { at: c.now, events: c.eventCount });
        expect(canonical(again.journal()), 'replay()').toBe(journal);
        // toScenario writes it as text that runs to the same journal.
        const textRun = runScenario(toScenario(c.options, c.actions(), { at: c.now, events: c.eventCount }));
        expect(textRun.failure?.message, 'toScenario text ran').toBeUndefined();
        expect(canonical(textRun.runner.cluster.journal()), 'toScenario').toBe(journal);
        // Still usable: healed, every node up and the network clean, it elects and commits.
        c.heal();
        c.setNetwork({ dropRate: 0, duplicateRate: 0, reorderRate: 0 });
        for (const id of c.nodeIds) c.restart(id);
        expect(c.runUntil(() => c.leader() !== undefined, 5000), 'a leader after healing').toBe(true);
        const leader = c.leader()!;
        const placed = c.propose(leader, 'final');
        expect(placed).toBeDefined();
        expect(c.runUntil(() => c.node(leader).commitIndex >= placed!.index, 3000), 'it commits').toBe(true);
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: true },
    );
    // The generator really mixes in invalid calls (about one in five).
    expect(invalidSeen).toBeGreaterThan(callsSeen / 10);
  }, 600_000);

  it('invalid cluster options always throw ConfigError naming an option path; valid ones always build', () => {
    const bad = fc.oneof(
      fc.record({ heartbeatMs: fc.constantFrom(0, -1, Number.NaN, Infinity) }),
      fc.record({ electionTimeoutMs: fc.constantFrom<[number, number]>([300, 150], [0, 10], [Number.NaN, 5]) }),
      fc.record({ network: fc.record({ dropRate: fc.constantFrom(-0.1, 1.1, Number.NaN) }) }),
      fc.record({ seed: fc.constantFrom(1.5, 2 ** 53, Number.NaN, -(2 ** 60)) }),
      fc.record({ maxEntriesPerMessage: fc.constantFrom(0, 0.5, Number.NaN) }),
      fc.record({ journalLimit: fc.constantFrom(-1, Number.NaN, 1e9) }),
      fc.record({ broker: fc.record({ commitTimeoutMs: fc.constantFrom(0, Number.NaN), maxDelayMs: fc.constantFrom(-1, Infinity) }, { requiredKeys: [] }).filter((b) => Object.keys(b).length > 0) }),
      fc.record({ detector: fc.record({ kind: fc.constantFrom('gossip', 'TIMEOUT') }) }),
      fc.record({ checkers: fc.constantFrom(true, 'yes', 0) }),
      fc.record({ nodes: fc.constantFrom(0, 51, 2.5) }),
      fc.dictionary(fc.constantFrom('heartbeat', 'seeds', 'node', 'timeout'), fc.integer()).filter((d) => Object.keys(d).length > 0),
    );
    fc.assert(
      fc.property(bad, (o) => {
        expect(() => createCluster(o as ClusterOptions)).toThrow(ConfigError);
        try {
          createCluster(o as ClusterOptions);
        } catch (err) {
          expect((err as Error).message).toMatch(/^(unknown option )?[a-zA-Z.]+ /);
        }
      }),
      { numRuns: 300, seed: SEED },
    );
    fc.assert(
      fc.property(options, (o) => {
        createCluster(o).runFor(50);
      }),
      { numRuns: 200, seed: SEED },
    );
  });
});
