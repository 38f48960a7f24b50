// Messaging seed sweep: publishers p1..p4 and subscribers s1..s3 on several topics, under crashes,
// restarts, partitions, loss, duplication and reordering, with every Raft and messaging checker on
// (throw mode); then heal and demand that every acknowledged message is on every node at one offset.
//
//   SEEDS=2000 npx vitest run tests/sim/messaging-sweep.test.ts     more seeds (default 150; FULL=1: 300)
//   SEED_START=5000 SEEDS=300 …                                     another range
//   SEED=1234 npx vitest run tests/sim/messaging-sweep.test.ts      replay one seed
import { describe, expect, it } from 'vitest';
import { CheckerViolation, createCluster, type ClusterOptions, type Publish, type SimCluster } from '../../src/sim/index';
import { at, testRng, sweepSeeds } from './helpers';

const { start: SEED_START, count: SEEDS } = sweepSeeds(150, 300);

/**
 * `c.runFor(ms)`, but failing (instead of spinning forever) when virtual time stops advancing: more
 * than 10,000 events at one instant is a livelock, such as a timer that keeps re-arming itself for now.
 */
function run(c: SimCluster, ms: number): void {
  let last = -1;
  let same = 0;
  c.runUntil(() => {
    if (c.now !== last) {
      last = c.now;
      same = 0;
    } else if (++same > 10_000) {
      throw new Error(at(c, 'livelock: 10,000 events without virtual time advancing'));
    }
    return false;
  }, ms);
}

const TOPICS = ['orders', 'audit', 'chat'] as const;
const PUBLISHERS = ['p1', 'p2', 'p3', 'p4'] as const;
const SUBSCRIBERS = ['s1', 's2', 's3'] as const;
/**
 * At most this many publishes per topic in one seed. Below the dedup window (100), so no retry can
 * outlive its id's place in the window: a duplicate stored here is a real dedup bug.
 */
const MAX_PER_TOPIC = 80;
/** Virtual time the healed cluster gets to settle (leader, catch-up, retries, retransmits). */
const SETTLE_MS = 8000;
/** A publish still pending this long after it was issued is a liveness bug in a healed cluster. */
const PENDING_LIMIT_MS = 10_000;

interface Issued {
  handle: Publish;
  client: string;
  topic: string;
  message: string;
  issuedAt: number;
}

interface Subscription {
  client: string;
  node: string;
  topic: string;
  /** The node crashed or was disconnected after the SUB: the connection and its subscription are gone, so no completeness check. */
  lost: boolean;
  /** SUB sent again after the node came back: a second subscription, left to the checker (per subscription). */
  again: boolean;
}

export interface MessagingSeedResult {
  published: number;
  acked: number;
  failed: number;
  delivered: number;
  chaosActions: number;
}

/** A healthy cluster, a leader, and SUBs before any chaos (so subscribers see every topic from offset 1). */
function setUp(seed: number, extra: ClusterOptions): { c: SimCluster; subs: Subscription[] } {
  const r = testRng(seed * 7907 + 3);
  const c = createCluster({
    ...extra,
    seed,
    nodes: r.pick([3, 5, 5, 7]),
    maxEntriesPerMessage: r.pick([1, 8, 64]),
    broker: { maxDelayMs: r.pick([0, 50, 100, 100, 300]), ...extra.broker },
    // checkers: 'throw' by default, every Raft and messaging property on
  });
  const found = c.runUntil(() => c.leader() !== undefined, 3000); // no subscriber yet: nothing can spin
  expect(found, at(c, 'no leader at start-up')).toBe(true);
  const nodes = [...c.nodeIds].sort(() => r.next() - 0.5);
  const subs: Subscription[] = [];
  const handles = SUBSCRIBERS.map((client, i) => {
    // Each subscriber on its own node, on one or two topics.
    const node = nodes[i % nodes.length];
    const topics = r.chance(0.5) ? [r.pick(TOPICS)] : [...TOPICS].sort(() => r.next() - 0.5).slice(0, 2);
    return topics.map((topic) => {
      subs.push({ client, node, topic, lost: false, again: false });
      return c.command(node, `SUB ${topic}`, { client });
    });
  }).flat();
  const subscribed = c.runUntil(() => handles.every((h) => h.done), 1000);
  expect(subscribed, at(c, 'SUB replies did not arrive on a clean network')).toBe(true);
  for (const h of handles) expect(h.lines, at(c, `${h.client}: ${h.line} at ${h.node}`)).toEqual([`OK subscribed ${h.line.slice(4)}`]);
  return { c, subs };
}

/** Random chaos and publishing for 4–6 s of virtual time, drawn from a test-side stream. */
function chaos(c: SimCluster, seed: number, subs: Subscription[], issued: Issued[]): number {
  const r = testRng(seed);
  const ids = c.nodeIds;
  c.setNetwork({ dropRate: r.next() * 0.25, duplicateRate: r.next() * 0.15, reorderRate: r.next() * 0.3 });
  const perTopic = new Map<string, number>();
  const end = c.now + r.int(4000, 6000);
  let actions = 0;
  let seq = 0;
  while (c.now < end) {
    const roll = r.next();
    actions++;
    if (roll < 0.06) {
      const up = ids.filter((id) => c.node(id).up);
      if (up.length > 0) {
        const victim = r.pick(up);
        c.crash(victim);
        for (const s of subs) if (s.node === victim) s.lost = true;
      }
    } else if (roll < 0.14) {
      const down = ids.filter((id) => !c.node(id).up);
      if (down.length > 0) c.restart(r.pick(down));
    } else if (roll < 0.19) {
      const shuffled = [...ids].sort(() => r.next() - 0.5);
      const k = r.int(1, ids.length - 1);
      c.partition(r.chance(0.5) ? [shuffled.slice(0, k), shuffled.slice(k)] : [shuffled.slice(0, k)]);
    } else if (roll < 0.23) {
      c.heal();
    } else if (roll < 0.26) {
      const victim = r.pick(ids);
      c.disconnect(victim);
      // Cut off from its clients, the node's connections close, and their subscriptions with them (issue 10).
      for (const s of subs) if (s.node === victim) s.lost = true;
    } else if (roll < 0.3) {
      c.reconnect(r.pick(ids));
    } else if (roll < 0.33) {
      c.setNetwork({
        dropRate: r.next() * 0.35,
        duplicateRate: r.next() * 0.2,
        reorderRate: r.next() * 0.3,
        latencyMs: r.chance(0.5) ? [5, 15] : [1, r.int(5, 40)],
      });
    } else if (roll < 0.35) {
      c.timeout(r.pick(ids));
    } else if (roll < 0.38) {
      // A clock step (either way) or a new drift: corrected stamps may go backwards, making late MSGs.
      c.setClock(r.pick(ids), r.chance(0.7) ? { stepMs: r.int(-400, 400) } : { driftPpm: r.int(-500, 500) });
    } else if (roll < 0.4) {
      // A subscriber whose node came back subscribes again (a new subscription: it restarts the numbering).
      const s = r.pick(subs);
      if (s.lost && c.node(s.node).up) {
        s.again = true;
        c.command(s.node, `SUB ${s.topic}`, { client: s.client });
      }
    } else if (roll < 0.75) {
      // Publishers send one to three messages to random topics, through a random node or one they name.
      for (let k = r.int(1, 3); k > 0; k--) {
        const topic = r.pick(TOPICS);
        const n = perTopic.get(topic) ?? 0;
        if (n >= MAX_PER_TOPIC) continue;
        perTopic.set(topic, n + 1);
        const client = r.pick(PUBLISHERS);
        const message = `m${seq++} from ${client} (seed ${seed})`;
        const via = r.chance(0.3) ? r.pick(ids) : undefined;
        issued.push({ handle: c.publish(topic, message, { client, via }), client, topic, message, issuedAt: c.now });
      }
    }
    run(c, Math.min(r.int(5, 100), Math.max(0, end - c.now)));
  }
  return actions;
}

/** Restart every node, heal, clean network, settle; then the end-to-end checks. */
function healAndCheck(c: SimCluster, subs: readonly Subscription[], issued: readonly Issued[]): MessagingSeedResult {
  for (const id of c.nodeIds) if (!c.node(id).up) c.restart(id);
  c.heal();
  c.setNetwork({ dropRate: 0, duplicateRate: 0, reorderRate: 0, latencyMs: [5, 15] });
  run(c, SETTLE_MS);

  // The checker's own heal-time checks (throws CheckerViolation with the seed).
  c.checkMessaging();
  expect(c.violations(), at(c, 'checker violations')).toEqual([]);

  // Every node holds the same records in every topic: offsets 1..n, one id each, identical everywhere.
  const reference = c.nodeIds[0];
  for (const topic of TOPICS) {
    const ref = c.history(reference, topic);
    ref.forEach((rec, i) => expect(rec.offset, at(c, `${reference} ${topic}[${i}] offset`)).toBe(i + 1));
    const ids = new Set(ref.map((rec) => rec.id));
    expect(ids.size, at(c, `${reference}: an id is stored twice in ${topic}`)).toBe(ref.length);
    for (const id of c.nodeIds.slice(1)) {
      expect(c.history(id, topic), at(c, `${id}'s ${topic} differs from ${reference}'s`)).toEqual(ref);
    }
  }

  // Every acknowledged publish is in every node's history, once, at the offset it was acked with.
  let acked = 0;
  let failed = 0;
  for (const p of issued) {
    const { status, offset, id } = p.handle;
    const age = c.now - p.issuedAt;
    expect(
      status === 'pending' && age > PENDING_LIMIT_MS,
      at(c, `${p.client}'s publish ${id} to ${p.topic} (issued t=${p.issuedAt.toFixed(1)}) still pending after ${age.toFixed(0)}ms`),
    ).toBe(false);
    if (status === 'failed') failed++;
    if (status !== 'ok') continue;
    acked++;
    for (const node of c.nodeIds) {
      const found = c.history(node, p.topic).filter((rec) => rec.id === id);
      expect(found.length, at(c, `acknowledged ${p.topic} id ${id} on ${node}: ${found.length} copies`)).toBe(1);
      expect(found[0].message, at(c, `${p.topic} id ${id} on ${node}: message`)).toBe(p.message);
      if (offset !== undefined) expect(found[0].offset, at(c, `${p.topic} id ${id} on ${node}: acked offset`)).toBe(offset);
    }
  }

  // Subscribers: every MSG matches the stored record; per subscription every offset at most once; a
  // subscription whose node never crashed got the whole topic. (One cut short by a crash may miss an
  // offset it held back while a later one, stamped earlier, was already out: no gap check there.)
  let delivered = 0;
  const received = new Map<string, number[]>();
  for (const client of SUBSCRIBERS) {
    for (const m of c.received(client)) {
      const key = `${client} ${m.node} ${m.topic}`;
      received.set(key, [...(received.get(key) ?? []), m.offset]);
      const rec = c.history(m.node, m.topic)[m.offset - 1];
      expect(rec, at(c, `${key} received offset ${m.offset}, which is not stored`)).toBeDefined();
      expect(m.line.split(' ')[2], at(c, `${key} offset ${m.offset}: id`)).toBe(rec.id);
      expect(m.line.endsWith(` ${rec.message}`), at(c, `${key} offset ${m.offset}: message`)).toBe(true);
      delivered++;
    }
  }
  for (const s of subs) {
    if (s.again) continue; // two subscriptions on one (client, node, topic): the checker tells them apart
    const key = `${s.client} ${s.node} ${s.topic}`;
    const offsets = [...(received.get(key) ?? [])].sort((a, b) => a - b);
    expect(new Set(offsets).size, at(c, `${key} received an offset twice`)).toBe(offsets.length);
    if (!s.lost) {
      const all = c.history(s.node, s.topic).map((rec) => rec.offset);
      expect(offsets, at(c, `${key} (never crashed) did not receive the whole topic`)).toEqual(all);
    }
  }
  return { published: issued.length, acked, failed, delivered, chaosActions: 0 };
}

export function messagingSeed(seed: number, extra: ClusterOptions = {}): MessagingSeedResult {
  const { c, subs } = setUp(seed, extra);
  const issued: Issued[] = [];
  const chaosActions = chaos(c, seed, subs, issued);
  return { ...healAndCheck(c, subs, issued), chaosActions };
}

describe(`messaging seed sweep (${SEEDS} seeds from ${SEED_START}; SEEDS / SEED_START / SEED env vars)`, () => {
  it('under crashes, partitions, loss, duplication, reordering and clock steps no checker fires, and after healing every acknowledged publish is on every node once at its acked offset, nothing stays pending past 10 s, and every live subscriber saw its whole topic, each offset once', () => {
    const failures: string[] = [];
    const total: MessagingSeedResult = { published: 0, acked: 0, failed: 0, delivered: 0, chaosActions: 0 };
    for (let seed = SEED_START; seed < SEED_START + SEEDS; seed++) {
      try {
        const res = messagingSeed(seed);
        for (const k of Object.keys(total) as Array<keyof MessagingSeedResult>) total[k] += res[k];
      } catch (err) {
        const kind = err instanceof CheckerViolation ? `checker: ${err.violation.property}` : 'end-to-end';
        const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
        failures.push(`seed ${seed} (${kind}): ${message.includes(`seed ${seed}`) ? message : `${message} (seed ${seed})`}`);
        if (failures.length >= 20) break;
      }
    }
    console.log(
      `messaging sweep: ${SEEDS} seeds from ${SEED_START}: ${total.published} publishes, ${total.acked} acked, ` +
        `${total.failed} failed, ${total.delivered} MSG deliveries, ${total.chaosActions} chaos actions; ${failures.length} failed seeds`,
    );
    expect(failures, `failing seeds (replay one with SEED=<n>):\n${failures.join('\n')}`).toEqual([]);
    // The sweep must exercise what it claims to: most publishes get through.
    expect(total.acked).toBeGreaterThan(total.published / 2);
  });
});

describe('the messaging sweep itself', () => {
  it('is sharp enough to catch broken dedup: with broker.dedup off, some of the first 20 seeds store a retried id twice', () => {
    const broken: number[] = [];
    for (let seed = 1; seed <= 20; seed++) {
      try {
        messagingSeed(seed, { broker: { dedup: false } });
      } catch (err) {
        if (!(err instanceof CheckerViolation)) throw err;
        expect(err.violation.seed, `seed ${seed}`).toBe(seed);
        expect(err.violation.message, `seed ${seed}`).toContain(`(seed ${seed})`);
        expect(['No duplicate id in a topic', 'No lost acknowledged publish'], `seed ${seed}: ${err.message}`).toContain(err.violation.property);
        broken.push(seed);
      }
    }
    expect(broken.length, 'seeds that caught the duplicate').toBeGreaterThan(0);
  });

  it('replays: one seed run twice publishes, stores and delivers exactly the same', () => {
    const outcome = (seed: number): string => {
      const { c, subs } = setUp(seed, {});
      const issued: Issued[] = [];
      chaos(c, seed, subs, issued);
      return JSON.stringify({
        now: c.now,
        sent: c.sentCount(),
        handles: issued.map((p) => [p.handle.id, p.handle.status, p.handle.offset]),
        histories: c.nodeIds.map((id) => TOPICS.map((t) => c.history(id, t))),
        received: SUBSCRIBERS.map((s) => c.received(s)),
      });
    };
    expect(outcome(77)).toBe(outcome(77));
  });
});
