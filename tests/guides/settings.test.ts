// The figures guide prose takes from `{{placeholders}}` are the engine's: each default is measured on a
// running cluster here, so a change in the engine fails this test instead of leaving a chapter wrong.
import { describe, expect, it } from 'vitest';
import { engineSettings, formatSetting, INLINE_DEFAULTS } from '../../src/guides/settings';
import { SimCluster } from '../../src/sim/cluster';
import { LivenessNews } from '../../src/sim/livenessNews';
import type { SimEvent } from '../../src/sim/types';

const S = engineSettings();
const ms = (name: string): number => S[name].value as number;

function withEvents(c: SimCluster): SimEvent[] {
  const events: SimEvent[] = [];
  c.onEvent((e) => events.push(e));
  return events;
}

describe('engine settings measured on a running cluster', () => {
  it('election timeouts are drawn from {{electionTimeout}} and span it (200 seeds × 5 nodes)', () => {
    const [min, max] = S.electionTimeout.value as [number, number];
    const deadlines = Array.from({ length: 200 }, (_, seed) => new SimCluster({ seed: seed + 1, checkers: false })).flatMap((c) =>
      c.nodeIds.map((id) => c.node(id).electionDeadline!),
    );
    expect(Math.min(...deadlines)).toBeGreaterThanOrEqual(min);
    expect(Math.max(...deadlines)).toBeLessThanOrEqual(max);
    expect(Math.min(...deadlines)).toBeLessThan(min + 5);
    expect(Math.max(...deadlines)).toBeGreaterThan(max - 5);
  });

  it('an idle leader sends AppendEntries to each follower every {{heartbeat}}', () => {
    for (const seed of [1, 2, 3]) {
      const c = new SimCluster({ seed });
      const events = withEvents(c);
      c.runUntil(() => c.leader() !== undefined, 2000);
      const leader = c.leader()!;
      const from = c.now + 200;
      c.runFor(1200);
      const follower = c.nodeIds.find((id) => id !== leader)!;
      const sends = events.filter((e) => e.kind === 'send' && e.type === 'AppendEntries' && e.from === leader && e.to === follower && e.at >= from).map((e) => e.at);
      const gaps = sends.slice(1).map((t, i) => Math.round((t - sends[i]) * 1000) / 1000);
      expect(gaps.length, `seed ${seed}`).toBeGreaterThan(10);
      expect(new Set(gaps), `seed ${seed}`).toEqual(new Set([ms('heartbeat')]));
    }
  });

  it('the timeout detector suspects a crashed peer {{suspectAfter}} after its last news, pinging a peer without news after {{pingInterval}}', () => {
    for (const seed of [1, 2, 3, 4]) {
      const c = new SimCluster({ seed });
      const events = withEvents(c);
      c.runFor(1000);
      const victim = 'n3';
      const crashAt = c.now;
      c.crash(victim);
      c.runFor(1000);
      const suspects = events.filter((e) => e.kind === 'suspect' && e.to === victim);
      expect(suspects.length, `seed ${seed}`).toBe(4);
      for (const e of suspects) {
        // The last news: a message from the victim, or a leader's AppendEntries saying when it heard it.
        const tracker = new LivenessNews();
        for (const x of events) if (x.at <= e.at && x !== e) tracker.observe(x);
        const news = tracker.lastNews(e.node!, victim)!;
        const silence = e.at - news;
        // The detector's timer fires the moment the silence passes the timeout (on a clock drifting ≤ 100 ppm).
        expect(silence, `seed ${seed} ${e.node}`).toBeGreaterThanOrEqual(ms('suspectAfter') * (1 - 1e-4));
        expect(silence, `seed ${seed} ${e.node}`).toBeLessThanOrEqual(ms('suspectAfter') * (1 + 1e-4));
      }
      // Without news of the crashed node, every follower pinged it (the leader sends it heartbeats
      // anyway), a ping period after its last news at the earliest.
      const pings = events.filter((e) => e.kind === 'send' && e.type === 'Ping' && e.to === victim && e.at > crashAt);
      const followers = c.nodeIds.filter((id) => id !== victim && id !== c.leader());
      expect([...new Set(pings.map((e) => e.from))].sort(), `seed ${seed}: nodes that pinged ${victim}`).toEqual(expect.arrayContaining(followers));
      expect(Math.min(...pings.map((e) => e.at)) - crashAt, `seed ${seed}`).toBeGreaterThanOrEqual(ms('pingInterval') * 0.7 - 2 * (S.latencyMax.value as number));
    }
  });

  it('a PUB that cannot commit is answered ERR timeout_waiting_commit after {{commitTimeout}}', () => {
    const c = new SimCluster({ seed: 5 });
    c.runUntil(() => c.leader() !== undefined, 2000);
    const old = c.leader()!;
    const buddy = c.nodeIds.find((id) => id !== old)!;
    c.partition([[old, buddy], c.nodeIds.filter((id) => id !== old && id !== buddy)]);
    const t0 = c.now;
    const h = c.command(old, 'PUB orders stranded');
    c.runUntil(() => h.done, 5000);
    expect(h.lines).toEqual(['ERR timeout_waiting_commit']);
    const latency = S.latencyMax.value as number;
    // The client's line travels to the node and the reply back: at most one latency each way.
    expect(c.now - t0).toBeGreaterThanOrEqual(ms('commitTimeout'));
    expect(c.now - t0).toBeLessThanOrEqual(ms('commitTimeout') + 2 * latency);
  });

  it('a follower forwarding a PUB to an unreachable leader gives up after {{forwardTimeout}}', () => {
    const c = new SimCluster({ seed: 6 });
    c.runUntil(() => c.leader() !== undefined, 2000);
    c.runFor(100); // the followers hear of the new leader
    const leader = c.leader()!;
    const f = c.nodeIds.find((id) => id !== leader)!;
    c.cutLink(f, leader);
    const t0 = c.now;
    const h = c.command(f, 'PUB orders lost');
    c.runUntil(() => h.done, 5000);
    // It could not reach the leader: it names the leader for the client to try directly.
    expect(h.lines).toEqual([`REDIRECT ${leader}`]);
    expect(c.now - t0).toBeGreaterThanOrEqual(ms('forwardTimeout'));
    expect(c.now - t0).toBeLessThanOrEqual(ms('forwardTimeout') + 2 * (S.latencyMax.value as number));
  });

  it('a publisher retries after {{clientTimeout}} without an answer', () => {
    const c = new SimCluster({ seed: 7 });
    c.runUntil(() => c.leader() !== undefined, 2000);
    const target = c.nodeIds.find((id) => id !== c.leader())!;
    c.disconnect(target);
    const p = c.publish('orders', 'x', { via: target });
    const t0 = c.now;
    c.runUntil(() => p.attempts >= 2, 5000);
    expect(c.now - t0).toBeCloseTo(ms('clientTimeout'), 6);
  });

  it('options change the settings the placeholders read', () => {
    const s = engineSettings({ heartbeatMs: 100, electionTimeoutMs: [1000, 2000], nodes: 3, network: { latencyMs: [50, 600] }, broker: { dedupWindow: 2 } });
    expect(formatSetting(s.heartbeat, '')).toBe('100 ms');
    expect(formatSetting(s.electionTimeout, '')).toBe('1–2 s');
    expect(formatSetting(s.electionTimeout, 'ms')).toBe('1000–2000 ms');
    expect(formatSetting(s.majority, 'word')).toBe('two');
    expect(formatSetting(s.latency, 'n')).toBe('50–600');
    expect(formatSetting(s.dedupWindow, '')).toBe('2');
    expect(formatSetting(S.commitTimeout, '')).toBe('2 s');
    expect(formatSetting(S.forwardTimeout, '')).toBe('1.5 s');
    expect(formatSetting(S.forwardTimeout, 'ms')).toBe('1500 ms');
    expect(formatSetting(S.clockDriftMax, '')).toBe('100 ppm');
    expect(formatSetting(S.heartbeat, 'word')).toBe('50');
    expect(formatSetting(S.electionTimeout, 'word')).toBeUndefined();
    expect(formatSetting(S.majority, 's')).toBeUndefined();
  });

  it('the inline defaults are the ones the cluster applies (nodes, entries per message)', () => {
    const c = new SimCluster();
    expect(c.nodeIds).toHaveLength(INLINE_DEFAULTS.nodes);
    expect(S.majority.value).toBe(3);
    expect(S.tolerated.value).toBe(2);
  });
});

describe('issue 13 settings measured on a running cluster', () => {
  it('{{snapshotEvery}}: each node snapshots after that many applied entries since its last snapshot', () => {
    const every = 4;
    const s = engineSettings({ snapshotEvery: every });
    expect(s.snapshotEvery.value).toBe(every);
    expect(engineSettings().snapshotEvery.value).toBe(0);
    const c = new SimCluster({ seed: 3, nodes: 3, snapshotEvery: every });
    c.runUntil(() => c.leader() !== undefined, 2000);
    // One entry at a time (entries applied together are snapshotted together, at the end of the batch).
    for (let i = 0; i < 9; i++) {
      c.propose(c.leader()!, `x${i}`);
      c.runFor(100);
    }
    for (const id of c.nodeIds) {
      const v = c.node(id);
      // 10 entries applied (the no-op and nine proposals): snapshots at 4 and 8.
      expect(v.lastApplied, id).toBe(10);
      expect(v.snapshot?.lastIncludedIndex, id).toBe(8);
    }
  });

  it("{{lease}}: a leader answers reads alone for the minimum election timeout shortened by the drift bound, on its own clock", () => {
    const lease = engineSettings().lease.value as number;
    expect(lease).toBeCloseTo(150 * (1 - 100e-6), 9);
    const c = new SimCluster({ seed: 2, nodes: 3, reads: 'lease', clocks: { driftPpmMax: 0, offsetMsMax: 0 } });
    c.runUntil(() => c.leader() !== undefined, 2000);
    c.runFor(200);
    const l = c.leader()!;
    // The lease runs from when the last confirmed round left: cut the leader off and watch it run out.
    c.disconnect(l);
    const start = c.now;
    const left = c.node(l).leaseMs;
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThanOrEqual(engineSettings({ clocks: { driftPpmMax: 0 } }).lease.value as number);
    c.runUntil(() => c.node(l).leaseMs === 0, 1000);
    expect(c.now - start).toBeCloseTo(left, 6);
  });
});
