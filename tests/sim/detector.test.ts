// The failure detector through the headless API (docs/time.md, "Failure detector"), in both modes.
// Gossip (default): any message from a peer is news of it, and the leader's AppendEntries relay how long
// ago it last heard each other peer (`alive`); a node pings a peer it has had no news of for
// suspectAfterMs/3. Direct: every node sends each peer something at least every suspectAfterMs/3. In
// both, a peer with no news for more than suspectAfterMs is suspected and cleared as soon as fresh news
// comes, and a down node suspects no one. Plus the phi-accrual variant, and determinism.
//
// Timing used below. The detector timer fires exactly when a peer's silence passes suspectAfterMs, so a
// crashed peer is suspected just after suspectAfterMs measured from the last news of it: the last
// message heard from it or, in gossip mode, the time a leader relayed it had last heard it. Messages the
// peer sent just before crashing are still in flight and still arrive (at the leader, too), so measured
// from the crash itself the bound is suspectAfterMs + the largest one-way latency (300 + 15 = 315 ms),
// and in gossip mode one latency more (330 ms): the receiver of relayed news cannot know how long the
// relay itself travelled, so it dates the news by its arrival minus the age the leader wrote.
import { describe, expect, it } from 'vitest';
import { createCluster, type Cluster, type ClusterOptions, type SimEvent } from '../../src/sim/index';
import { LivenessNews } from '../../src/sim/livenessNews';
import { at, testRng, withSeed } from './helpers';

const SEEDS = 40;
const MODES = ['gossip', 'direct'] as const;
const EPS = 1e-6;
/** Largest default clock drift, as a fraction. */
const DRIFT = 100e-6;

/** Up, connected and in the observer's partition group: a suspicion of such a peer is false. */
type Reachable = (observer: string, peer: string) => boolean;

/** Counts 'suspect' events of peers that were up and reachable from the suspecting node when suspected. */
function falseSuspicions(c: Cluster, reachable: Reachable = () => true): { count: number; times: number[] } {
  const out = { count: 0, times: [] as number[] };
  c.onEvent((e) => {
    if (e.kind !== 'suspect') return;
    const peer = c.node(e.to!);
    const self = c.node(e.node!);
    if (peer.up && peer.connected && self.connected && reachable(e.node!, e.to!)) {
      out.count++;
      out.times.push(e.at);
    }
  });
  return out;
}

/**
 * Per (observer, peer): last news heard (a delivery from the peer, or a relayed time it was alive),
 * first suspicion, first clearing after a suspicion. Attach at creation.
 */
class Watch {
  private readonly news = new LivenessNews();
  private readonly suspected = new Map<string, number>();
  private readonly cleared = new Map<string, number>();
  private readonly firstHeard = new Map<string, number>();
  constructor(c: Cluster) {
    c.onEvent((e: SimEvent) => {
      this.news.observe(e);
      if (e.kind === 'deliver') {
        if (!this.firstHeard.has(`${e.to}<${e.from}`)) this.firstHeard.set(`${e.to}<${e.from}`, e.at);
      }
      const k = `${e.node}<${e.to}`;
      if (e.kind === 'suspect' && !this.suspected.has(k)) this.suspected.set(k, e.at);
      if (e.kind === 'unsuspect' && this.suspected.has(k) && !this.cleared.has(k)) this.cleared.set(k, e.at);
    });
  }
  /** Forget suspicions and first arrivals (start watching for a new fault). */
  reset(): void {
    this.suspected.clear();
    this.cleared.clear();
    this.firstHeard.clear();
  }
  /** The last news `observer` had of `peer`: a message from it, or a relayed time it was alive. */
  lastHeard(observer: string, peer: string): number | undefined {
    return this.news.lastNews(observer, peer);
  }
  /** First delivery from peer to observer since the last reset. */
  firstHeardSince(observer: string, peer: string): number | undefined {
    return this.firstHeard.get(`${observer}<${peer}`);
  }
  suspectedAt(observer: string, peer: string): number | undefined {
    return this.suspected.get(`${observer}<${peer}`);
  }
  clearedAt(observer: string, peer: string): number | undefined {
    return this.cleared.get(`${observer}<${peer}`);
  }
}

describe('timeout detector: crashes', () => {
  for (const [mode, suspectAfterMs] of MODES.flatMap((m) => [300, 150, 600].map((t) => [m, t] as const))) {
    it(`${mode}: detects a crashed peer as soon as it has been silent for suspectAfterMs (suspectAfterMs ${suspectAfterMs})`, () => {
      const P = suspectAfterMs / 6; // slack for the run below only
      const maxLatency = 15;
      let worstFromCrash = 0;
      for (let seed = 1; seed <= SEEDS; seed++) {
        withSeed(seed, () => {
          const c = createCluster({ seed, detector: { suspectAfterMs, mode } });
          const w = new Watch(c);
          const r = testRng(seed);
          c.runFor(r.int(800, 3000));
          const victim = r.pick(c.nodeIds);
          w.reset();
          const crashAt = c.now;
          c.crash(victim);
          c.runFor(suspectAfterMs + P + maxLatency + 1);
          for (const id of c.nodeIds) {
            if (id === victim) continue;
            const s = w.suspectedAt(id, victim);
            expect(s, at(c, `${id} never suspected crashed ${victim}`)).toBeDefined();
            const heard = w.lastHeard(id, victim)!; // the last news of it (direct or relayed)
            // Silence is measured on the observer's own clock, which drifts by up to 100 ppm.
            expect(s! - heard, at(c, `${id}: silence before suspecting ${victim}`)).toBeGreaterThan(suspectAfterMs * (1 - DRIFT));
            expect(s! - heard, at(c, `${id}: suspected ${victim} late after the last message`)).toBeLessThanOrEqual(suspectAfterMs * (1 + DRIFT) + EPS);
            // Relayed news dates the peer's last message by its arrival at the leader plus the relay's
            // own transit (the receiver cannot know it): one more latency in gossip mode.
            const flight = mode === 'gossip' ? 2 * maxLatency : maxLatency;
            expect(s! - crashAt, at(c, `${id}: suspected ${victim} late after the crash`)).toBeLessThanOrEqual(suspectAfterMs * (1 + DRIFT) + flight + EPS);
            expect(c.node(id).suspects, at(c, `${id}'s suspect set`)).toContain(victim);
            worstFromCrash = Math.max(worstFromCrash, s! - crashAt);
          }
        });
      }
      // Messages in flight at the crash are heard after it: the latency term of the bound is reached in practice.
      expect(worstFromCrash).toBeGreaterThan(suspectAfterMs + maxLatency / 2);
    });
  }

  it('suspicion clears when the peer restarts and is heard again, and is journaled as unsuspect', () => {
    for (let seed = 1; seed <= SEEDS; seed++) {
      withSeed(seed, () => {
        const c = createCluster({ seed });
        const w = new Watch(c);
        const r = testRng(seed);
        c.runFor(r.int(800, 3000));
        const victim = r.pick(c.nodeIds);
        c.crash(victim);
        c.runFor(r.int(400, 2000));
        for (const id of c.nodeIds) if (id !== victim) expect(c.node(id).suspects, at(c, id)).toContain(victim);
        w.reset();
        const unsuspects = new Map<string, number>();
        c.onEvent((e) => {
          if (e.kind === 'unsuspect' && e.to === victim && !unsuspects.has(e.node!)) unsuspects.set(e.node!, e.at);
        });
        const restartAt = c.now;
        c.restart(victim);
        // The restarted node pings every peer at once (this window leaves 50 ms more), which arrives within 15 ms.
        c.runFor(50 + 15 + EPS);
        for (const id of c.nodeIds) {
          if (id === victim) continue;
          expect(c.node(id).suspects, at(c, `${id} still suspects restarted ${victim}`)).not.toContain(victim);
          // The suspicion was set before the reset, so look for the clearing in the journal of this window.
          const cleared = w.firstHeardSince(id, victim);
          expect(cleared, at(c, `${id} heard nothing from ${victim}`)).toBeDefined();
          expect(cleared!).toBeGreaterThan(restartAt);
          expect(unsuspects.get(id), at(c, `${id}: unsuspect of ${victim} journaled when first heard`)).toBe(cleared);
        }
      });
    }
  });

  it('a down node suspects no one, even one that suspected everybody just before it crashed', () => {
    for (let seed = 1; seed <= SEEDS; seed++) {
      withSeed(seed, () => {
        const c = createCluster({ seed });
        c.runFor(1000 + seed * 13);
        const id = c.nodeIds[seed % c.nodeIds.length];
        c.disconnect(id);
        c.runFor(500);
        expect([...c.node(id).suspects].sort(), at(c, `disconnected ${id} suspects every peer`)).toEqual(c.nodeIds.filter((x) => x !== id).sort());
        let bySelf = 0;
        c.onEvent((e) => {
          if ((e.kind === 'suspect' || e.kind === 'unsuspect') && e.node === id) bySelf++;
        });
        c.crash(id);
        c.reconnect(id);
        for (let t = 0; t < 2000; t += 25) {
          expect(c.node(id).suspects, at(c, `down ${id}'s suspect set`)).toEqual([]);
          c.runFor(25);
        }
        expect(bySelf, 'suspicion events by a down node').toBe(0);
        // After restart it starts afresh: every peer counts as heard at the restart.
        c.restart(id);
        c.runFor(1000);
        expect(c.node(id).suspects, at(c, `restarted ${id}`)).toEqual([]);
      });
    }
  });
});

describe('timeout detector: the network', () => {
  it('no false suspicion on a quiet network with default settings over long runs (both modes)', () => {
    let runs = 0;
    for (let seed = 1; seed <= 30; seed++) {
      withSeed(seed, () => {
        for (const sync of ['ntp', 'cristian', 'berkeley'] as const) {
          if ((seed + ['ntp', 'cristian', 'berkeley'].indexOf(sync)) % 3 !== 0) continue;
          const c = createCluster({ seed, clocks: { sync }, detector: { mode: MODES[seed % 2] } });
          const fs = falseSuspicions(c);
          let any = 0;
          c.onEvent((e) => {
            if (e.kind === 'suspect') any++;
          });
          c.runFor(30_000);
          runs++;
          expect(fs.count, at(c, `false suspicions (${sync}) at ${fs.times.slice(0, 5).join(', ')}`)).toBe(0);
          expect(any, at(c, 'any suspicion on a quiet network is false')).toBe(0);
          for (const id of c.nodeIds) expect(c.node(id).suspects, at(c, id)).toEqual([]);
        }
      });
    }
    expect(runs).toBe(30);
  });

  it('no false suspicion with a shorter or longer timeout either (suspectAfterMs 150 and 600)', () => {
    for (let seed = 1; seed <= 10; seed++) {
      withSeed(seed, () => {
        for (const suspectAfterMs of [150, 600]) {
          const c = createCluster({ seed, detector: { suspectAfterMs } });
          const fs = falseSuspicions(c);
          c.runFor(10_000);
          expect(fs.count, at(c, `false suspicions, suspectAfterMs ${suspectAfterMs}`)).toBe(0);
        }
      });
    }
  });

  for (const mode of MODES) it(`${mode}: false suspicions appear when latency exceeds the timeout: every peer is falsely suspected until its first message arrives`, () => {
    // latencyMs [350, 400] with suspectAfterMs 300: nothing sent at start can arrive within 300 ms, so every
    // node suspects every (up, connected) peer once, and clears it when the first message lands. After
    // that, gaps between arrivals are at most the ping gap + jitter (100 + 50 ms) < 300: no more.
    for (let seed = 1; seed <= SEEDS; seed++) {
      withSeed(seed, () => {
        const c = createCluster({ seed, network: { latencyMs: [350, 400] }, detector: { suspectAfterMs: 300, mode }, checkers: 'record' });
        const fs = falseSuspicions(c);
        c.runFor(450);
        const n = c.nodeIds.length;
        expect(fs.count, at(c, 'every node suspected every peer')).toBe(n * (n - 1));
        expect(Math.min(...fs.times), 'not before 300 ms of silence (on a clock drifting ≤ 100 ppm)').toBeGreaterThanOrEqual(300 * (1 - DRIFT));
        c.runFor(10_000);
        expect(fs.count, at(c, 'no more after the first arrivals')).toBe(n * (n - 1));
        for (const id of c.nodeIds) expect(c.node(id).suspects, at(c, `${id} cleared`)).toEqual([]);
      });
    }
  });

  it('false suspicions keep appearing when latency jitter exceeds the timeout minus the ping gap', () => {
    // latencyMs [10, 500]: two consecutive messages can arrive 100 + 490 ms apart, beyond 300.
    let late = 0;
    for (let seed = 1; seed <= 10; seed++) {
      withSeed(seed, () => {
        const c = createCluster({ seed, network: { latencyMs: [10, 500] }, checkers: 'record' });
        const fs = falseSuspicions(c);
        c.runFor(10_000);
        late += fs.times.filter((t) => t > 1000).length;
      });
    }
    expect(late).toBeGreaterThan(10);
  });

  it('a disconnected peer is suspected by everyone (and suspects everyone); reconnecting clears both', () => {
    for (let seed = 1; seed <= SEEDS; seed++) {
      withSeed(seed, () => {
        const c = createCluster({ seed });
        c.runFor(1000 + seed * 17);
        const id = c.nodeIds[seed % c.nodeIds.length];
        const others = c.nodeIds.filter((x) => x !== id);
        c.disconnect(id);
        c.runFor(300 + 50 + 15 + EPS);
        for (const o of others) expect(c.node(o).suspects, at(c, `${o} suspects disconnected ${id}`)).toEqual([id]);
        expect([...c.node(id).suspects].sort(), at(c, `disconnected ${id} suspects everyone`)).toEqual([...others].sort());
        c.reconnect(id);
        // Cleared when next heard: a send at least every 3P = 150 ms, + 15 ms latency (see the ping test).
        c.runFor(150 + 15 + EPS);
        for (const x of c.nodeIds) expect(c.node(x).suspects, at(c, `${x} after reconnect`)).toEqual([]);
      });
    }
  });

  it('a cut link between two followers: gossip suspects no one (the leader vouches for both), direct suspects across the cut', () => {
    // Gossip detectors detect crashed processes, not broken links (van Renesse et al. 1998): news of a
    // peer that reaches us through the leader is as good as news from the peer itself.
    for (let seed = 1; seed <= 10; seed++) {
      withSeed(seed, () => {
        for (const mode of MODES) {
          const c = createCluster({ seed, detector: { mode } });
          c.runUntil(() => c.leader() !== undefined, 3000);
          c.runFor(300);
          const l = c.leader()!;
          const [a, b] = c.nodeIds.filter((x) => x !== l);
          c.cutLink(a, b);
          c.cutLink(b, a);
          c.runFor(2000);
          expect(c.leader(), at(c, 'the leader stays')).toBe(l);
          if (mode === 'gossip') {
            for (const id of c.nodeIds) expect(c.node(id).suspects, at(c, `gossip: ${id}'s suspects`)).toEqual([]);
          } else {
            expect(c.node(a).suspects, at(c, `direct: ${a}'s suspects`)).toEqual([b]);
            expect(c.node(b).suspects, at(c, `direct: ${b}'s suspects`)).toEqual([a]);
          }
        }
      });
    }
  });

  it('gossip: a follower cut off from the leader but not from the others is suspected only by the leader', () => {
    // The leader hears nothing from it and relays nothing of it, so the other followers ping it directly.
    for (let seed = 1; seed <= 10; seed++) {
      withSeed(seed, () => {
        const c = createCluster({ seed, raft: { preVote: true, checkQuorum: true } });
        c.runUntil(() => c.leader() !== undefined, 3000);
        c.runFor(300);
        const l = c.leader()!;
        const f = c.nodeIds.find((x) => x !== l)!;
        c.cutLink(f, l);
        c.runFor(2000);
        expect(c.node(l).suspects, at(c, `${l} suspects ${f}`)).toEqual([f]);
        for (const id of c.nodeIds) if (id !== l) expect(c.node(id).suspects, at(c, `${id}'s suspects`)).toEqual([]);
      });
    }
  });

  it('across a partition each side suspects exactly the other side, and nobody on its own side', () => {
    for (let seed = 1; seed <= SEEDS; seed++) {
      withSeed(seed, () => {
        const c = createCluster({ seed });
        const groups = [
          ['n1', 'n2'],
          ['n3', 'n4', 'n5'],
        ];
        const side = (id: string): number => groups.findIndex((g) => g.includes(id));
        const fs = falseSuspicions(c, (a, b) => side(a) === side(b));
        c.runFor(1000 + seed * 11);
        c.partition(groups);
        c.runFor(2000);
        for (const id of c.nodeIds) {
          const expected = c.nodeIds.filter((x) => side(x) !== side(id));
          expect([...c.node(id).suspects].sort(), at(c, `${id}'s suspects`)).toEqual(expected);
        }
        expect(fs.count, 'suspicions within a side').toBe(0);
        c.heal();
        c.runFor(150 + 15 + EPS);
        for (const id of c.nodeIds) expect(c.node(id).suspects, at(c, `${id} after heal`)).toEqual([]);
      });
    }
  });

  it('gossip: on a quiet network every node gets fresh news of each peer at least every suspectAfterMs / 3 + two latencies', () => {
    // docs/time.md: "A node that has had no fresh news of a peer for suspectAfterMs/3 pings it; a
    // pinged node answers." Fresh news: a delivery from the peer, or a relayed time later than any
    // known. Gaps are at most the ping period + the ping's and the answer's flight (2 × 15 ms).
    for (const suspectAfterMs of [300, 600]) {
      let worst = 0;
      let relayed = 0;
      for (let seed = 1; seed <= 10; seed++) {
        const c = createCluster({ seed, detector: { suspectAfterMs } });
        const news = new Map<string, number>(); // observer<peer → arrival of its last fresh news
        const tracker = new LivenessNews();
        c.onEvent((e) => {
          if (e.kind !== 'deliver' || e.from === 'time' || e.to === 'time' || e.from === undefined || e.to === undefined) return;
          const before = new Map(c.nodeIds.map((p) => [p, tracker.lastNews(e.to!, p)]));
          tracker.observe(e);
          for (const p of c.nodeIds) {
            if (p === e.to || tracker.lastNews(e.to, p) === before.get(p)) continue;
            if (p !== e.from) relayed++;
            const k = `${e.to}<${p}`;
            if (news.has(k)) worst = Math.max(worst, e.at - news.get(k)!);
            news.set(k, e.at);
          }
        });
        c.runFor(10_000);
        for (const at of news.values()) worst = Math.max(worst, c.now - at); // the silence still running at the end
      }
      expect(relayed, 'news relayed by the leader').toBeGreaterThan(1000);
      expect(worst, `suspectAfterMs ${suspectAfterMs}: longest gap between fresh news of a peer`).toBeLessThanOrEqual(suspectAfterMs / 3 + 30 + EPS);
    }
  });

  it('direct: on a quiet network every node sends to each peer at least every suspectAfterMs / 3 (the ping promise)', () => {
    // Direct mode: "every node sends each peer something at least every suspectAfterMs/3". Measured as
    // the gap between consecutive sends from a node to a peer (any message type), and between
    // deliveries (which may add the latency jitter, 10 ms).
    for (const suspectAfterMs of [300, 600]) {
      let worstSend = 0;
      let worstHeard = 0;
      for (let seed = 1; seed <= 10; seed++) {
        const c = createCluster({ seed, detector: { suspectAfterMs, mode: 'direct' } });
        const lastSend = new Map<string, number>();
        const lastDeliver = new Map<string, number>();
        c.onEvent((e) => {
          if (e.from === undefined || e.to === undefined || e.from === 'time' || e.to === 'time') return;
          const k = `${e.from}>${e.to}`;
          if (e.kind === 'send') {
            if (lastSend.has(k)) worstSend = Math.max(worstSend, e.at - lastSend.get(k)!);
            lastSend.set(k, e.at);
          } else if (e.kind === 'deliver') {
            if (lastDeliver.has(k)) worstHeard = Math.max(worstHeard, e.at - lastDeliver.get(k)!);
            lastDeliver.set(k, e.at);
          }
        });
        c.runFor(10_000);
      }
      expect(worstSend, `suspectAfterMs ${suspectAfterMs}: longest gap between sends to a peer`).toBeLessThanOrEqual(suspectAfterMs / 3 + EPS);
      expect(worstHeard, `suspectAfterMs ${suspectAfterMs}: longest gap between arrivals from a peer`).toBeLessThanOrEqual(suspectAfterMs / 3 + 10 + EPS);
    }
  });

  it('gossip: with a leader up nobody pings: the AppendEntries carry the news (3, 5 and 9 nodes)', () => {
    for (const nodes of [3, 5, 9]) {
      const c = createCluster({ seed: 4, nodes, clocks: { sync: 'off' } });
      c.runUntil(() => c.leader() !== undefined, 3000);
      c.runFor(500);
      const l = c.leader()!;
      const ae = c.sentCount('AppendEntries');
      const pings = c.sentCount('Ping');
      c.runFor(10_000);
      expect(c.leader(), at(c, 'the same leader throughout')).toBe(l);
      expect(c.sentCount('Ping') - pings, at(c, `pings in 10 s with ${nodes} nodes`)).toBe(0);
      expect(c.sentCount('AppendEntries') - ae, at(c, 'heartbeats')).toBeGreaterThanOrEqual(199 * (nodes - 1));
      for (const id of c.nodeIds) expect(c.node(id).suspects, at(c, id)).toEqual([]);
    }
  });

  it('gossip: after the leader crashes the followers ping each other until a new leader relays again', () => {
    for (let seed = 1; seed <= 10; seed++) {
      withSeed(seed, () => {
        const c = createCluster({ seed, clocks: { sync: 'off' }, detector: { suspectAfterMs: 300 } });
        c.runUntil(() => c.leader() !== undefined, 3000);
        c.runFor(500);
        const old = c.leader()!;
        const pings = new Map<string, number>();
        c.onEvent((e) => {
          if (e.kind === 'send' && e.type === 'Ping') pings.set(`${e.from}>${e.to}`, e.at);
        });
        const crashAt = c.now;
        c.crash(old);
        c.runUntil(() => c.leader() !== undefined && c.leader() !== old, 3000);
        c.runFor(1000);
        const followers = c.nodeIds.filter((x) => x !== old);
        // Every surviving node pinged the crashed leader, and no one suspects a live peer.
        for (const f of followers) expect(pings.has(`${f}>${old}`), at(c, `${f} pinged silent ${old}`)).toBe(true);
        for (const f of followers) expect(c.node(f).suspects, at(c, `${f}'s suspects`)).toEqual([old]);
        expect(Math.min(...pings.values()), 'no ping before a third of the timeout without news').toBeGreaterThan(crashAt + 100 * 0.7 - 1);
        // Once the new leader relays, only the crashed node is still pinged.
        const since = c.now;
        pings.clear();
        c.runFor(1000);
        for (const [pair, t] of pings) expect(pair.endsWith(`>${old}`), at(c, `ping ${pair} at ${t} after ${since}`)).toBe(true);
      });
    }
  });

  it('direct: pings only silent peers: the leader pings no one, a follower pings only the other followers (any message counts as heard)', () => {
    for (const nodes of [3, 5, 9]) {
      const c = createCluster({ seed: 4, nodes, clocks: { sync: 'off' }, detector: { mode: 'direct' } });
      c.runUntil(() => c.leader() !== undefined, 3000);
      c.runFor(500);
      const l = c.leader()!;
      const pings = new Map<string, number>();
      c.onEvent((e) => {
        if (e.kind === 'send' && e.type === 'Ping') pings.set(`${e.from}>${e.to}`, (pings.get(`${e.from}>${e.to}`) ?? 0) + 1);
      });
      c.runFor(10_000);
      expect([...pings.keys()].filter((k) => k.startsWith(`${l}>`) || k.endsWith(`>${l}`)), at(c, 'pings to or from the leader')).toEqual([]);
      // Between followers: at least one ping every suspectAfterMs / 3 = 100 ms, and few more than that.
      expect(pings.size, at(c, 'follower pairs pinging')).toBe((nodes - 1) * (nodes - 2));
      for (const [pair, n] of pings) expect(n, at(c, `${pair} pings in 10 s`)).toBeGreaterThanOrEqual(99);
      for (const [pair, n] of pings) expect(n, at(c, `${pair} pings in 10 s`)).toBeLessThanOrEqual(143);
      expect(c.node(l).suspects).toEqual([]);
    }
  });

  it('direct: the detector timer fires only for pings really due: never on the leader, at most once per ping round on a follower', () => {
    const c = createCluster({ seed: 4, clocks: { sync: 'off' }, detector: { mode: 'direct' } });
    c.runFor(1000);
    const l = c.leader()!;
    const ticks = new Map<string, number>();
    c.onEvent((e) => {
      if (e.kind === 'timer' && e.type === 'detector') ticks.set(e.node!, (ticks.get(e.node!) ?? 0) + 1);
    });
    c.runFor(10_000);
    expect(c.leader()).toBe(l);
    expect(ticks.get(l) ?? 0, at(c, 'the leader sends to everyone every heartbeat: no ping is ever due')).toBe(0);
    for (const [id, n] of ticks) expect(n, at(c, `${id}'s detector timer in 10 s (a ping round every 100 ms)`)).toBeLessThanOrEqual(101);
  });

  it("detector 'off' sends no pings and suspects no one", () => {
    const c = createCluster({ seed: 7, detector: { kind: 'off' } });
    c.runFor(1000);
    c.crash('n2');
    c.runFor(2000);
    expect(c.sentCount('Ping')).toBe(0);
    for (const id of c.nodeIds) expect(c.node(id).suspects).toEqual([]);
  });
});

describe('clock steps and the detector', () => {
  // The detector measures silence on the node's raw local clock (nodeActor: heard/check use localNow()).
  // That clock can be stepped (setClock stepMs), so a step forward looks like silence and a step back
  // hides it. The contract speaks of peers "unheard for more than suspectAfterMs": real elapsed time.
  it('a forward clock step does not make a node suspect live peers, and a backward step does not delay detecting a crash', () => {
    const problems: string[] = [];
    for (let seed = 1; seed <= 10; seed++) {
      const c = createCluster({ seed });
      const w = new Watch(c);
      c.runFor(2000 + seed * 7);
      const fs = falseSuspicions(c);
      c.setClock('n1', { stepMs: 250 });
      c.runFor(1000);
      if (fs.count > 0) problems.push(`seed ${seed}: after n1 stepped +250 ms, ${fs.count} false suspicions`);

      c.setClock('n1', { stepMs: -500 });
      w.reset();
      const crashAt = c.now;
      c.crash('n2');
      c.runFor(2000);
      const s = w.suspectedAt('n1', 'n2');
      if (s === undefined || s - crashAt > 300 + 50 + 15) {
        problems.push(`seed ${seed}: after n1 stepped −500 ms it suspected crashed n2 after ${s === undefined ? 'never' : `${(s - crashAt).toFixed(1)} ms`}`);
      }
    }
    expect(problems).toEqual([]);
  });
});

describe('phi-accrual detector', () => {
  it('also detects a crashed peer, within half a second, after the peer was heard regularly', () => {
    let worst = 0;
    for (let seed = 1; seed <= SEEDS; seed++) {
      withSeed(seed, () => {
        const c = createCluster({ seed, detector: { kind: 'phi' } });
        const w = new Watch(c);
        const r = testRng(seed);
        c.runFor(r.int(1500, 4000));
        const victim = r.pick(c.nodeIds);
        const crashAt = c.now;
        c.crash(victim);
        c.runFor(500);
        for (const id of c.nodeIds) {
          if (id === victim) continue;
          const s = w.suspectedAt(id, victim);
          expect(s, at(c, `${id} never suspected crashed ${victim}`)).toBeDefined();
          expect(s!, 'not before the crash').toBeGreaterThan(crashAt);
          expect(c.node(id).suspects).toContain(victim);
          worst = Math.max(worst, s! - crashAt);
        }
        c.restart(victim);
        c.runFor(200);
        for (const id of c.nodeIds) expect(c.node(id).suspects, at(c, `${id} after restart`)).toEqual([]);
      });
    }
    expect(worst).toBeGreaterThan(50);
  });

  it('raises no false suspicion on a quiet network with default settings', () => {
    for (let seed = 1; seed <= 20; seed++) {
      withSeed(seed, () => {
        const c = createCluster({ seed, detector: { kind: 'phi' } });
        const fs = falseSuspicions(c);
        c.runFor(20_000);
        expect(fs.count, at(c, `false suspicions at ${fs.times.slice(0, 5).join(', ')}`)).toBe(0);
      });
    }
  });
});

describe('determinism with clocks and detector on', () => {
  /** One run with network chaos and random user actions; every event as JSON. */
  function run(options: ClusterOptions, actionsSeed: number): string[] {
    const c = createCluster({
      ...options,
      network: { latencyMs: [5, 40], dropRate: 0.05, duplicateRate: 0.05, reorderRate: 0.1 },
      checkers: 'record',
    });
    const events: string[] = [];
    c.onEvent((e) => events.push(JSON.stringify(e)));
    const r = testRng(actionsSeed);
    for (let i = 0; i < 25; i++) {
      c.runFor(r.int(20, 300));
      const id = r.pick(c.nodeIds);
      switch (r.int(0, 5)) {
        case 0:
          c.crash(id);
          break;
        case 1:
          c.restart(id);
          break;
        case 2:
          c.setClock(id, { stepMs: r.int(-500, 500), driftPpm: r.int(-200, 200) });
          break;
        case 3:
          c.partition([[id], c.nodeIds.filter((x) => x !== id)]);
          break;
        case 4:
          c.heal();
          break;
        case 5:
          c.disconnect(id);
          break;
      }
    }
    c.heal();
    c.runFor(1000);
    // Views too: clocks and suspect sets, at the end.
    events.push(JSON.stringify(c.nodeIds.map((id) => ({ clock: c.node(id).clock, suspects: c.node(id).suspects, lamport: c.node(id).lamport }))));
    return events;
  }

  it('same seed and same actions ⇒ identical journal, for every sync algorithm and detector kind', () => {
    for (let seed = 1; seed <= 12; seed++) {
      withSeed(seed, () => {
        const sync = (['ntp', 'cristian', 'berkeley'] as const)[seed % 3];
        const kind = seed % 2 === 0 ? 'phi' : 'timeout';
        const mode = MODES[Math.floor(seed / 2) % 2];
        const options: ClusterOptions = { seed, clocks: { sync, syncIntervalMs: 400 }, detector: { kind, mode } };
        const a = run(options, seed);
        const b = run(options, seed);
        expect(a.length, `${sync}/${kind}: journal lengths`).toBe(b.length);
        const firstDiff = a.findIndex((e, i) => e !== b[i]);
        expect(firstDiff, `${sync}/${kind}: first differing event ${a[firstDiff]} vs ${b[firstDiff]}`).toBe(-1);
        // It is not vacuous: the journal holds the time layer's events.
        expect(a.some((e) => e.includes('"kind":"sync"'))).toBe(true);
        expect(a.some((e) => e.includes('"kind":"suspect"'))).toBe(true);
        expect(a.some((e) => e.includes('"type":"Ping"'))).toBe(true);
        // And a different seed gives a different run.
        expect(run({ ...options, seed: seed + 1000 }, seed)).not.toEqual(a);
      });
    }
  });
});
