// Physical clocks and clock sync through the headless API: derived error bounds per algorithm checked
// over seed sweeps, the bias of asymmetric delays, lost sync messages, clock steps, crash/restart, and
// setClock's exact meaning (architecture, "Clocks").
//
// ── Notation ────────────────────────────────────────────────────────────────────────────────────────
//   N nodes; one-way latency uniform in [L, L+j]; drift of every clock within ±D ppm; sync interval I.
//   o_k(t) = node k's raw offset from true time (NodeView.clock.offsetMs); M = mean of all o_k;
//   M₋ᵢ = mean of o_k over k ≠ i.  error_i = correctedMs − true time (NodeView.clock.errorMs).
//   One exchange (request out at true t1, answered at t2 = t1 + f, reply in at t4 = t2 + b) measures
//   the other clock with error exactly e = (f − b)/2 (NTP: offset = o_k(t2) − (o_i(t1)+o_i(t4))/2 + e;
//   Cristian: true time + e; Berkeley poll/reply: like NTP). Symmetric latency: |e| ≤ j/2.
//   A = I + 3(L+j): the oldest clock reading a correction can rest on when nothing is lost (the last
//   complete round started at most I + 2(L+j) ago; a Berkeley adjustment needs one more hop).
//   Between samples the clocks drift apart: two clocks by at most δ = 2·D·10⁻⁶·A, one clock against
//   true time by D·10⁻⁶·A.
//
// ── Bounds (derived; checked below after convergence, 20 seeds per setting) ─────────────────────────
//   cristian  → true time.   |error_i| ≤ j/2 + D·10⁻⁶·A.         agreement |c_i − c_m| ≤ j + 2·D·10⁻⁶·A.
//   ntp, countSelf true → M. |error_i − M| ≤ (N−1)/N·(j/2 + δ).   agreement ≤ 2(N−1)/N·(j/2 + δ).
//   ntp, countSelf false (the original) → M₋ᵢ. |error_i − M₋ᵢ| ≤ j/2 + δ, hence
//             c_i − c_m = (o_m − o_i)/(N−1) ± (j + 2δ): the nodes never agree; their spread is the raw
//             spread divided by N−1 (offsets in ±200 ms, N = 5 ⇒ up to 100 ms apart).
//   berkeley → M + K, K = mean of the N corrections. A round averages the CORRECTED clocks of the
//             clocks counted, so with c_k = corrected error of node k before the round, after it
//             corrected_coordinator = mean_S(c) + ē and corrected_member_m = mean_S(c) + ē − e_m
//             (ē = Σ e / |S|, the coordinator's e = 0). Summing: the round leaves Σ_S corrections
//             unchanged whenever every counted member applies its adjustment (exactly, noise and drift
//             included: Σ k' = k_coord + Σ k_m). So K changes only when a counted member misses its
//             adjustment (lost, or superseded by another coordinator's poll), when a node restarts
//             (its correction is lost: K −= k_i/N) or when an outlier is adjusted. From all corrections
//             0, K = 0: without loss and restarts every clock meets at M and stays there. After a
//             complete round |error_i − (M + K)| ≤ (2N−3)/(2N)·j + δ and agreement ≤ j + δ, as before.
//             Under loss, K wanders (by a lost adjustment's size / N each time) and the clocks
//             adjusted in different rounds meet at different means until a round covers them: see the
//             loss tests.
//   The errors vs TRUE time of ntp and berkeley are ≈ M (+ K) (internal sync: they agree, they are not right).
import { describe, expect, it } from 'vitest';
import type { SyncNote } from '../../src/core/clocks/sync';
import { createCluster, type Cluster, type NodeView, type SimEvent } from '../../src/sim/index';
import { at, withSeed } from './helpers';

type Algorithm = 'ntp' | 'cristian' | 'berkeley';
interface Variant {
  name: string;
  sync: Algorithm;
  countSelf: boolean;
}
const VARIANTS: Variant[] = [
  { name: 'ntp (countSelf true)', sync: 'ntp', countSelf: true },
  { name: 'ntp (countSelf false, the original)', sync: 'ntp', countSelf: false },
  { name: 'cristian', sync: 'cristian', countSelf: false },
  { name: 'berkeley', sync: 'berkeley', countSelf: false },
];

interface Setting {
  latencyMs: [number, number];
  driftPpm: number;
  intervalMs: number;
}
const SETTINGS: Setting[] = [
  { latencyMs: [5, 15], driftPpm: 100, intervalMs: 2000 }, // the defaults
  { latencyMs: [20, 60], driftPpm: 100, intervalMs: 2000 }, // latency-dominated
  { latencyMs: [5, 15], driftPpm: 1000, intervalMs: 2000 }, // drift-dominated
];
const SEEDS = 20;
const N = 5;

/** Age bound A, relative drift δ and the derived bounds of one variant in one setting. */
function bounds(v: Variant, s: Setting): { A: number; perNode: number; agreement: number } {
  const [L, hi] = s.latencyMs;
  const j = hi - L;
  const A = s.intervalMs + 3 * hi;
  const one = s.driftPpm * 1e-6 * A;
  const delta = 2 * one;
  const eps = 1e-6; // float rounding
  switch (v.sync) {
    case 'cristian':
      return { A, perNode: j / 2 + one + eps, agreement: j + 2 * one + eps };
    case 'ntp':
      return v.countSelf
        ? { A, perNode: ((N - 1) / N) * (j / 2 + delta) + eps, agreement: ((2 * (N - 1)) / N) * (j / 2 + delta) + eps }
        : { A, perNode: j / 2 + delta + eps, agreement: j + 2 * delta + eps };
    case 'berkeley':
      return { A, perNode: ((2 * N - 3) / (2 * N)) * j + delta + eps, agreement: j + delta + eps };
  }
}

/**
 * What each node's corrected clock converges to, as an error vs true time: 0, M₋ᵢ, M, or for Berkeley
 * M + K (K = the mean correction, 0 unless adjustments were lost or a node restarted; see the header).
 */
function target(v: Variant, views: NodeView[], i: number, berkeleyK = 0): number {
  const up = views.filter((x) => x.up);
  const sum = up.reduce((a, x) => a + x.clock.offsetMs, 0);
  if (v.sync === 'cristian') return 0;
  if (v.sync === 'ntp' && !v.countSelf) return (sum - views[i].clock.offsetMs) / (up.length - 1);
  return sum / up.length + (v.sync === 'berkeley' ? berkeleyK : 0);
}

const BERKELEY_TYPES = new Set(['BerkeleyPoll', 'BerkeleyReply', 'BerkeleyAdjust']);

/**
 * Runs until no Berkeley message that will arrive is in flight, so every adjustment sent has been
 * applied (or refused): the mean correction K is then not mid-change.
 */
function settleBerkeley(c: Cluster): void {
  c.runUntil(() => !c.inFlight().some((m) => BERKELEY_TYPES.has(m.type) && !m.lost), 1000);
}

/** K: the mean correction of the up nodes (settle first). The Berkeley clocks meet at M + K. */
function meanCorrection(c: Cluster): number {
  const up = c.nodeIds.map((id) => c.node(id)).filter((x) => x.up);
  return up.reduce((a, x) => a + (x.clock.correctedMs - x.clock.localMs), 0) / up.length;
}

/** The expected c_i − c_m: 0 except for the original NTP, where it is (o_m − o_i)/(N−1). */
function expectedGap(v: Variant, views: NodeView[], i: number, m: number): number {
  return v.sync === 'ntp' && !v.countSelf ? (views[m].clock.offsetMs - views[i].clock.offsetMs) / (views.length - 1) : 0;
}

interface Worst {
  perNode: number; // max |error_i − target_i|
  agreement: number; // max |c_i − c_m − expected gap|
  spread: number; // max |c_i − c_m|
  vsTrue: number; // max |error_i|
}

/** Samples every `everyMs` for `forMs` and returns the worst deviations seen (Berkeley: vs M + berkeleyK). */
function sample(
  c: Cluster,
  v: Variant,
  forMs: number,
  everyMs: number,
  worst: Worst = { perNode: 0, agreement: 0, spread: 0, vsTrue: 0 },
  berkeleyK = 0,
): Worst {
  const end = c.now + forMs;
  while (c.now < end) {
    c.runFor(everyMs);
    const views = c.nodeIds.map((id) => c.node(id));
    for (let i = 0; i < views.length; i++) {
      worst.perNode = Math.max(worst.perNode, Math.abs(views[i].clock.errorMs - target(v, views, i, berkeleyK)));
      worst.vsTrue = Math.max(worst.vsTrue, Math.abs(views[i].clock.errorMs));
      for (let m = i + 1; m < views.length; m++) {
        const gap = views[i].clock.correctedMs - views[m].clock.correctedMs;
        worst.spread = Math.max(worst.spread, Math.abs(gap));
        worst.agreement = Math.max(worst.agreement, Math.abs(gap - expectedGap(v, views, i, m)));
      }
    }
  }
  return worst;
}

/** The worst |c_i − c_m − expected gap| over all pairs now. */
function agreementNow(c: Cluster, v: Variant): number {
  const views = c.nodeIds.map((id) => c.node(id));
  let worst = 0;
  for (let i = 0; i < views.length; i++) {
    for (let m = i + 1; m < views.length; m++) {
      const gap = views[i].clock.correctedMs - views[m].clock.correctedMs;
      worst = Math.max(worst, Math.abs(gap - expectedGap(v, views, i, m)));
    }
  }
  return worst;
}

function cluster(seed: number, v: Variant, s: Setting, extra: { dropRate?: number } = {}): Cluster {
  return createCluster({
    seed,
    network: { latencyMs: s.latencyMs, dropRate: extra.dropRate ?? 0 },
    clocks: { sync: v.sync, countSelf: v.countSelf, syncIntervalMs: s.intervalMs, driftPpmMax: s.driftPpm },
    checkers: 'record',
  });
}

describe('sync with symmetric latency converges within the derived bounds', () => {
  for (const v of VARIANTS) {
    it(`${v.name}: after convergence every node stays within its bound of the target, and pairs within the agreement bound`, () => {
      for (const s of SETTINGS) {
        const b = bounds(v, s);
        const worst: Worst = { perNode: 0, agreement: 0, spread: 0, vsTrue: 0 };
        for (let seed = 1; seed <= SEEDS; seed++) {
          withSeed(seed, () => {
            const c = cluster(seed, v, s);
            // Converged: every node has used a complete round. The first round falls in [0, I]; Berkeley's
            // coordinator may change once at the first election, so allow one more interval.
            c.runFor(2 * s.intervalMs + 3 * s.latencyMs[1]);
            const w = sample(c, v, 5 * s.intervalMs, 11);
            const where = `${JSON.stringify(s)} seed ${seed}`;
            expect(w.perNode, `|error − target| ${where}`).toBeLessThanOrEqual(b.perNode);
            expect(w.agreement, `agreement ${where}`).toBeLessThanOrEqual(b.agreement);
            if (v.sync === 'cristian') expect(w.vsTrue, `|error| vs true time ${where}`).toBeLessThanOrEqual(b.perNode);
            if (v.sync === 'berkeley') {
              // No loss, no restart: every round keeps the sum of the corrections, so K stays 0 and the
              // clocks stay at M (float rounding aside), whoever coordinates.
              settleBerkeley(c);
              expect(Math.abs(meanCorrection(c)), `mean correction K ${where}`).toBeLessThan(1e-9);
            }
            expect(c.violations()).toEqual([]);
            for (const k of Object.keys(worst) as (keyof Worst)[]) worst[k] = Math.max(worst[k], w[k]);
          });
        }
        // The bound is not vacuous: the worst case seen uses a good part of it.
        expect(worst.perNode, `bound far from what happens: ${JSON.stringify({ s, worst, b })}`).toBeGreaterThan(b.perNode / 4);
      }
    });
  }

  it('ntp and berkeley agree internally but not with true time: their error vs true time is the mean raw offset', () => {
    let farthest = 0;
    for (let seed = 1; seed <= SEEDS; seed++) {
      withSeed(seed, () => {
        for (const v of [VARIANTS[0], VARIANTS[3]]) {
          const c = cluster(seed, v, SETTINGS[0]);
          c.runFor(6000);
          const views = c.nodeIds.map((id) => c.node(id));
          const M = views.reduce((a, x) => a + x.clock.offsetMs, 0) / views.length;
          for (const x of views) {
            // The error is M (up to the bound), and M itself is a random mean of offsets in ±200 ms.
            expect(Math.abs(x.clock.errorMs - M), at(c, `${v.name} ${x.id}`)).toBeLessThanOrEqual(bounds(v, SETTINGS[0]).perNode);
          }
          farthest = Math.max(farthest, Math.abs(M));
        }
      });
    }
    // Far from true time for some seed: internal sync does not fix the common offset.
    expect(farthest).toBeGreaterThan(50);
  });

  it('the original ntp (countSelf false) leaves nodes apart by their raw spread / (N−1)', () => {
    let widest = 0;
    for (let seed = 1; seed <= SEEDS; seed++) {
      withSeed(seed, () => {
        const c = cluster(seed, VARIANTS[1], SETTINGS[0]);
        c.runFor(6000);
        const views = c.nodeIds.map((id) => c.node(id));
        const offsets = views.map((x) => x.clock.offsetMs);
        const rawSpread = Math.max(...offsets) - Math.min(...offsets);
        const corrected = views.map((x) => x.clock.correctedMs);
        const spread = Math.max(...corrected) - Math.min(...corrected);
        expect(Math.abs(spread - rawSpread / (N - 1)), at(c, 'spread of corrected clocks vs raw spread / 4')).toBeLessThanOrEqual(
          bounds(VARIANTS[1], SETTINGS[0]).agreement,
        );
        widest = Math.max(widest, spread);
      });
    }
    // Offsets drawn in ±200 ms: some seed leaves the nodes tens of ms apart, far above the latency bound.
    expect(widest).toBeGreaterThan(50);
  });
});

// ── A predictor of every node's corrected clock from the exchanges it actually used ─────────────────
//
// Watches the journal: for every sync request it learns the true send and arrival times, for every
// reply its arrival, so each sample's error e = (f − b)/2 is known from the real transit times. From the
// samples a node holds it predicts error_i exactly (up to drift since the oldest sample):
//   cristian: e of the last sample.     ntp: o_i(1 − |S|/n) + Σ_{k∈S}(o_k + e_k)/n, n = |S| (+1 countSelf).
//   berkeley: the round averages CORRECTED clocks. With c_k = member k's corrected error when it read
//             its clock for the reply (raw reading + reported correction − true time of the reading:
//             known exactly from the journal) and c_coord the coordinator's own corrected error at the
//             close (its raw offset + the correction it had, tracked from its earlier notes), the
//             coordinator's error becomes E = (c_coord + Σ_{k counted} (c_k + e_k)) / n, n = counted + 1,
//             and member m's (if its adjustment arrives) E − e_m. Both then move with their own drift.
// A node without a correction (fresh or restarted) has error = its raw offset.

interface Exchange {
  start: number; // true time the request was sent
  e: number; // (f − b)/2
  f: number;
  b: number;
}
interface BerkeleyUse {
  /** Predicted error right after the round (E, or E − e_m for member m). */
  error: number;
  /** True time the round's first poll went out: every reading it rests on is younger. */
  start: number;
}

const REQUESTS = new Set(['SyncRequest', 'TimeRequest', 'BerkeleyPoll']);

class SyncObserver {
  readonly exchanges: Exchange[] = [];
  private readonly sent = new Map<string, number>();
  private readonly arrived = new Map<string, number>();
  private lastReply: { client: string; server: string; round: number; x: Exchange } | undefined;
  private readonly ntp = new Map<string, Map<string, Exchange>>();
  private readonly cristian = new Map<string, Exchange>();
  private readonly berkeley = new Map<string, BerkeleyUse>();
  // coordinator#round@sentMs → member → exchange and the member's corrected error when it answered
  private readonly polls = new Map<string, Map<string, { x: Exchange; c: number }>>();
  private readonly lastPoll = new Map<string, string>(); // coordinator → its last poll key
  private readonly rounds = new Map<string, { coordinatorError: number; es: Map<string, number>; start: number }>();
  /** Each node's Berkeley correction, from its own notes (0 when absent: fresh or restarted). */
  private readonly correction = new Map<string, number>();
  private lastAdjust: string | undefined;
  private readonly down = new Set<string>();
  /** Exchanges whose reply could not be matched (should stay 0). */
  unmatched = 0;

  constructor(
    private readonly c: Cluster,
    private readonly v: Variant,
    private readonly driftPpm: number,
  ) {
    c.onEvent((ev) => this.on(ev));
  }

  private static key(client: string, server: string, p: { round: number; t1?: number; t0?: number; sentMs?: number }): string {
    return `${client}>${server}#${p.round}@${p.t1 ?? p.t0 ?? p.sentMs}`;
  }

  private forget(id: string): void {
    this.ntp.delete(id);
    this.cristian.delete(id);
    this.berkeley.delete(id);
    this.correction.delete(id);
    for (const k of [...this.sent.keys()]) if (k.startsWith(`${id}>`)) this.sent.delete(k);
  }

  private on(ev: SimEvent): void {
    const p = ev.payload as { round: number; t1?: number; t0?: number; sentMs?: number } | undefined;
    if (ev.kind === 'crash' && !this.down.has(ev.node!)) {
      this.down.add(ev.node!);
      this.forget(ev.node!);
    } else if (ev.kind === 'restart' && this.down.has(ev.node!)) {
      this.down.delete(ev.node!);
      this.forget(ev.node!);
    } else if (ev.kind === 'send' && REQUESTS.has(ev.type!)) {
      const k = SyncObserver.key(ev.from!, ev.to!, p!);
      if (!this.sent.has(k)) this.sent.set(k, ev.at);
      if (ev.type === 'BerkeleyPoll') this.lastPoll.set(ev.from!, `${ev.from}#${p!.round}@${p!.sentMs}`);
    } else if (ev.kind === 'deliver' && REQUESTS.has(ev.type!)) {
      const k = SyncObserver.key(ev.from!, ev.to!, p!);
      if (!this.arrived.has(k)) this.arrived.set(k, ev.at);
    } else if (ev.kind === 'deliver' && (ev.type === 'SyncReply' || ev.type === 'TimeReply' || ev.type === 'BerkeleyReply')) {
      const k = SyncObserver.key(ev.to!, ev.from!, p!);
      const sentAt = this.sent.get(k);
      const arrivedAt = this.arrived.get(k);
      this.lastReply = undefined;
      if (sentAt === undefined || arrivedAt === undefined) return;
      const f = arrivedAt - sentAt;
      const b = ev.at - arrivedAt;
      const x = { start: sentAt, e: (f - b) / 2, f, b };
      this.exchanges.push(x);
      this.lastReply = { client: ev.to!, server: ev.from!, round: p!.round, x };
      if (ev.type === 'BerkeleyReply') {
        const rk = `${ev.to}#${p!.round}@${p!.sentMs}`;
        if (!this.polls.has(rk)) this.polls.set(rk, new Map());
        // The member read its raw clock when the poll arrived: corrected error = reading + correction − then.
        const reply = ev.payload as { clockMs: number; correctionMs: number };
        this.polls.get(rk)!.set(ev.from!, { x, c: reply.clockMs + reply.correctionMs - arrivedAt });
      }
    } else if (ev.kind === 'deliver' && ev.type === 'BerkeleyAdjust') {
      this.lastAdjust = `${ev.from}#${p!.round}@${p!.sentMs}`;
    } else if (ev.kind === 'sync') {
      this.note(ev.node!, ev.payload as SyncNote);
    }
  }

  private note(id: string, n: SyncNote): void {
    const r = this.lastReply;
    switch (n.kind) {
      case 'ntpSample':
        if (r === undefined || r.client !== id || r.server !== n.peer || r.round !== n.round) return void this.unmatched++;
        if (!this.ntp.has(id)) this.ntp.set(id, new Map());
        this.ntp.get(id)!.set(n.peer, r.x);
        return;
      case 'cristianSample':
        if (r === undefined || r.client !== id || r.round !== n.round) return void this.unmatched++;
        this.cristian.set(id, r.x);
        return;
      case 'berkeleyRound': {
        if (n.members.length === 0) return; // nobody answered: the coordinator keeps its correction
        const pk = this.lastPoll.get(id);
        const got = pk === undefined ? undefined : this.polls.get(pk);
        if (got === undefined || !pk!.startsWith(`${id}#${n.round}@`)) return void this.unmatched++;
        // The coordinator's own term: its corrected error now, with the correction it had before this note.
        let sum = this.c.node(id).clock.offsetMs + (this.correction.get(id) ?? 0);
        let counted = 1;
        const es = new Map<string, number>();
        let start = Infinity;
        for (const m of n.members) {
          const got1 = got.get(m);
          if (got1 === undefined) return void this.unmatched++;
          es.set(m, got1.x.e);
          start = Math.min(start, got1.x.start);
          if (n.excluded.includes(m)) continue;
          sum += got1.c + got1.x.e;
          counted++;
        }
        const coordinatorError = sum / counted;
        this.rounds.set(pk!, { coordinatorError, es, start });
        this.berkeley.set(id, { error: coordinatorError, start });
        this.correction.set(id, n.correctionMs);
        return;
      }
      case 'berkeleyAdjust': {
        const round = this.lastAdjust === undefined ? undefined : this.rounds.get(this.lastAdjust);
        if (round === undefined || !round.es.has(id)) return void this.unmatched++;
        this.berkeley.set(id, { error: round.coordinatorError - round.es.get(id)!, start: round.start });
        this.correction.set(id, n.correctionMs);
        return;
      }
    }
  }

  /**
   * ntp: every node holds a sample of every peer (a node missing one averages without it). cristian:
   * every node has had one answer from the time server (one that never had runs on its raw clock,
   * and with 30 % loss an exchange fails half the time: 1 node in ~400 still has none after 10
   * intervals). Berkeley: true.
   */
  ntpComplete(ids: readonly string[]): boolean {
    if (this.v.sync === 'cristian') return ids.every((id) => this.cristian.has(id));
    if (this.v.sync !== 'ntp') return true;
    return ids.every((id) => (this.ntp.get(id)?.size ?? 0) === ids.length - 1);
  }

  /** Predicted error_i and the drift tolerance around it. */
  predict(views: Map<string, NodeView>, id: string): { expected: number; tolerance: number } {
    const now = this.c.now;
    const o = (k: string): number => views.get(k)!.clock.offsetMs;
    const D = this.driftPpm * 1e-6;
    const none = { expected: o(id), tolerance: 1e-6 };
    switch (this.v.sync) {
      case 'cristian': {
        const x = this.cristian.get(id);
        return x === undefined ? none : { expected: x.e, tolerance: D * (now - x.start) + 1e-6 };
      }
      case 'ntp': {
        const S = this.ntp.get(id);
        if (S === undefined || S.size === 0) return none;
        const n = S.size + (this.v.countSelf ? 1 : 0);
        let expected = o(id) * (1 - S.size / n);
        let oldest = now;
        for (const [k, x] of S) {
          expected += (o(k) + x.e) / n;
          oldest = Math.min(oldest, x.start);
        }
        return { expected, tolerance: 2 * D * (now - oldest) + 1e-6 };
      }
      case 'berkeley': {
        // The prediction is fixed at the round; since then the node's own clock drifted (≤ D per ms), and
        // the readings averaged were taken at slightly different instants after `start` (≤ D per ms more).
        const u = this.berkeley.get(id);
        if (u === undefined) return none;
        return { expected: u.error, tolerance: 2 * D * (now - u.start) + 1e-6 };
      }
    }
  }

  /** Compares every node's error with the prediction now; returns the failures. */
  check(): string[] {
    const views = new Map(this.c.nodeIds.map((id) => [id, this.c.node(id)]));
    const out: string[] = [];
    for (const [id, view] of views) {
      const { expected, tolerance } = this.predict(views, id);
      if (Math.abs(view.clock.errorMs - expected) > tolerance) {
        out.push(`t=${this.c.now.toFixed(1)} ${id}: error ${view.clock.errorMs.toFixed(4)}, predicted ${expected.toFixed(4)} ± ${tolerance.toFixed(4)}`);
      }
    }
    return out;
  }
}

/**
 * Runs the cluster one event at a time, steering the (symmetric-in-distribution) network into
 * asymmetric delays: requests travel `slowMs`, every reply `fastMs`. Before each step it looks at the
 * message due first; when that is a request, the latency is set to fast, so the reply its delivery
 * triggers is fast. Requests are sent on timers while the latency is slow — except when a timer fires
 * while another request is the next delivery: such a request goes fast (a symmetric sample), which
 * the predictor accounts for from the measured transit times.
 */
function runSteered(c: Cluster, ms: number, slowMs: number, fastMs: number, every: () => void): void {
  const end = c.now + ms;
  let fast: boolean | undefined;
  let nextCheck = c.now;
  while (c.now < end) {
    let first = Infinity;
    let request = false;
    for (const m of c.inFlight()) {
      if (m.arriveAt < first) {
        first = m.arriveAt;
        request = REQUESTS.has(m.type);
      } else if (m.arriveAt === first && REQUESTS.has(m.type)) request = true;
    }
    if (request !== fast) {
      fast = request;
      c.setNetwork({ latencyMs: request ? [fastMs, fastMs] : [slowMs, slowMs] });
    }
    if (!c.step()) break;
    if (c.now >= nextCheck) {
      every();
      nextCheck = c.now + 10;
    }
  }
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
};

describe('asymmetric latency biases every sample by (d_forward − d_back) / 2', () => {
  // The simulated network draws every message's delay from one distribution, so it cannot be made
  // asymmetric by a setting (cutLink drops, it does not delay). runSteered makes it asymmetric for real:
  // requests 40 ms, replies 10 ms, so a typical sample is biased by β = (40 − 10)/2 = +15 ms. Expected
  // steady state when every sample carries β (N = 5):
  //   cristian:            error → +β = +15 ms (the corrected clocks run ahead of true time);
  //   ntp, countSelf true: error − M → (N−1)/N·β = +12 ms, every node alike (agreement unaffected);
  //   ntp, original:       error − M₋ᵢ → +β = +15 ms;
  //   berkeley:            coordinator error − M → (N−1)/N·β = +12 ms, members → +12 − 15 = −3 ms,
  //                        so the coordinator stays β = 15 ms ahead of every member.
  const SLOW = 40;
  const FAST = 10;
  const beta = (SLOW - FAST) / 2;
  const typical: Record<string, { relative: (v: Variant, views: NodeView[], i: number, leader: string | undefined) => number; expected: (id: string, leader: string | undefined) => number }> = {
    cristian: { relative: (_v, views, i) => views[i].clock.errorMs, expected: () => beta },
    ntp: { relative: (v, views, i) => views[i].clock.errorMs - target(v, views, i), expected: () => beta },
    ntpSelf: { relative: (v, views, i) => views[i].clock.errorMs - target(v, views, i), expected: () => ((N - 1) / N) * beta },
    berkeley: {
      relative: (v, views, i) => views[i].clock.errorMs - target(v, views, i),
      expected: (id, leader) => ((N - 1) / N) * beta - (id === leader ? 0 : beta),
    },
  };

  for (const v of VARIANTS) {
    it(`${v.name}: each node's error is exactly what its samples' (f − b)/2 predict, and settles at the documented bias`, () => {
      let biased = 0;
      let total = 0;
      const rel: number[] = [];
      const relLeader: number[] = [];
      for (let seed = 1; seed <= 8; seed++) {
        withSeed(seed, () => {
          const c = createCluster({ seed, clocks: { sync: v.sync, countSelf: v.countSelf, syncIntervalMs: 1000 }, checkers: 'record' });
          const obs = new SyncObserver(c, v, 100);
          const failures: string[] = [];
          const t = typical[v.sync === 'ntp' ? (v.countSelf ? 'ntpSelf' : 'ntp') : v.sync];
          runSteered(c, 8000, SLOW, FAST, () => {
            failures.push(...obs.check());
            if (c.now < 3000) return; // settled: two rounds of steered samples
            const views = c.nodeIds.map((id) => c.node(id));
            const leader = c.leader();
            views.forEach((x, i) => (x.id === leader && v.sync === 'berkeley' ? relLeader : rel).push(t.relative(v, views, i, leader) - t.expected(x.id, leader)));
          });
          expect(failures.slice(0, 5), at(c, `${failures.length} predictions missed`)).toEqual([]);
          expect(obs.unmatched, 'samples the observer could not match to their exchange').toBe(0);
          for (const x of obs.exchanges) {
            total++;
            const near = (y: number, z: number): boolean => Math.abs(y - z) < 1e-6;
            if (near(x.f, SLOW) && near(x.b, FAST)) biased++;
            // Every reply went fast; a request went slow unless it left while another request was due.
            expect(near(x.b, FAST), `reply took ${x.b} ms`).toBe(true);
            expect(near(x.f, SLOW) || near(x.f, FAST), `request took ${x.f} ms`).toBe(true);
          }
        });
      }
      // The steering worked: most exchanges really were asymmetric.
      expect(biased / total).toBeGreaterThan(0.75);
      // Typical (median) deviation from the documented steady state is within drift (≤ 0.3 ms here).
      expect(Math.abs(median(rel)), 'median error vs the documented biased target').toBeLessThan(0.5);
      if (v.sync === 'berkeley') expect(Math.abs(median(relLeader)), 'coordinator').toBeLessThan(0.5);
    });
  }
});

interface LossyRun {
  seed: number;
  predictionMisses: string[];
  unmatched: number;
  /** Worst |c_i − c_m − expected gap| between 10 and 15 intervals into the lossy run. */
  agreementUnderLoss: number;
  /** First sample of the lossy run whose agreement was within the symmetric agreement bound. */
  convergedAt: number | undefined;
  /** Worst agreement from then until the loss stopped. */
  afterConverged: number;
  /** Worst rise of the agreement above its smallest earlier value during the lossy run. */
  growth: number;
  /** Berkeley: the mean correction K once the loss stopped (the clocks then meet at M + K); else 0. */
  berkeleyK: number;
  /** The smallest, mean (M) and largest raw offset when berkeleyK was measured. */
  raw: { min: number; mean: number; max: number };
  /** After the loss stopped and two intervals passed. */
  after: Worst;
}
const lossyCache = new Map<string, LossyRun[]>();

/**
 * 30% of ALL messages lost (sync, Raft, pings) for 15 intervals, the predictor checked every 20 ms;
 * then the loss stops. Computed once per variant, shared by the tests below.
 */
function lossyRuns(v: Variant): LossyRun[] {
  const cached = lossyCache.get(v.name);
  if (cached !== undefined) return cached;
  const s = SETTINGS[0];
  const runs: LossyRun[] = [];
  for (let seed = 1; seed <= SEEDS; seed++) {
    const c = cluster(seed, v, s, { dropRate: 0.3 });
    const obs = new SyncObserver(c, v, s.driftPpm);
    const predictionMisses: string[] = [];
    const symmetric = bounds(v, s).agreement;
    let agreementUnderLoss = 0;
    let convergedAt: number | undefined;
    let afterConverged = 0;
    let least = Infinity;
    let growth = 0;
    for (let t = 0; t < 15 * s.intervalMs; t += 20) {
      c.runFor(20);
      predictionMisses.push(...obs.check());
      const agreement = agreementNow(c, v);
      if (c.now >= 10 * s.intervalMs && obs.ntpComplete(c.nodeIds)) agreementUnderLoss = Math.max(agreementUnderLoss, agreement);
      if (convergedAt !== undefined) afterConverged = Math.max(afterConverged, agreement);
      else if (agreement <= symmetric) convergedAt = c.now;
      growth = Math.max(growth, agreement - least);
      least = Math.min(least, agreement);
    }
    c.setNetwork({ dropRate: 0 });
    c.runFor(2 * s.intervalMs + 3 * s.latencyMs[1]);
    let berkeleyK = 0;
    if (v.sync === 'berkeley') {
      settleBerkeley(c);
      berkeleyK = meanCorrection(c);
    }
    const offsets = c.nodeIds.map((id) => c.node(id).clock.offsetMs);
    const raw = { min: Math.min(...offsets), mean: offsets.reduce((a, x) => a + x, 0) / N, max: Math.max(...offsets) };
    const after = sample(c, v, 3 * s.intervalMs, 11, undefined, berkeleyK);
    runs.push({ seed, predictionMisses, unmatched: obs.unmatched, agreementUnderLoss, convergedAt, afterConverged, growth, berkeleyK, raw, after });
  }
  lossyCache.set(v.name, runs);
  return runs;
}

describe('lost sync messages and clock steps do not break sync', () => {
  for (const v of VARIANTS) {
    it(`${v.name}: with 30% of all messages lost every correction still matches the samples it rests on`, () => {
      for (const r of lossyRuns(v)) {
        expect(r.predictionMisses.slice(0, 5), `${r.predictionMisses.length} predictions missed (seed ${r.seed})`).toEqual([]);
        expect(r.unmatched, `unmatched samples (seed ${r.seed})`).toBe(0);
      }
    });

    it(`${v.name}: once the loss stops, the symmetric bounds hold again within two intervals`, () => {
      // Berkeley's target is M + K, K measured once the loss stopped: every adjustment lost while a
      // counted clock was far from the others moved K (by that adjustment / N), so the clocks no
      // longer meet at M (measured |K| up to 62 ms). They still meet at a value inside the range of
      // the raw clocks: every corrected clock only ever moves to an average of corrected clocks
      // (± zero-sum sample noise), so M + K stays within [min o_k, max o_k] widened by that noise.
      const b = bounds(v, SETTINGS[0]);
      for (const r of lossyRuns(v)) {
        if (v.sync === 'berkeley') {
          const agreed = r.raw.mean + r.berkeleyK;
          expect(agreed, `seed ${r.seed}: agreed value vs the lowest raw clock`).toBeGreaterThanOrEqual(r.raw.min - b.agreement);
          expect(agreed, `seed ${r.seed}: agreed value vs the highest raw clock`).toBeLessThanOrEqual(r.raw.max + b.agreement);
        }
        expect(r.after.perNode, `after the loss stopped: |error − target| (seed ${r.seed})`).toBeLessThanOrEqual(b.perNode);
        expect(r.after.agreement, `after the loss stopped: agreement (seed ${r.seed})`).toBeLessThanOrEqual(b.agreement);
      }
    });

    it(`${v.name}: while 30% of messages are lost the nodes keep agreeing (within twice the symmetric agreement bound)`, () => {
      // A lost round only ages a correction (drift: 0.2 ms per interval at ±100 ppm), so agreement
      // should degrade gently. ntp and cristian do (measured ≤ 8.5 ms). For ntp this holds once every
      // node has a sample of every peer: a node still missing one averages the others only (with 30 %
      // loss an exchange fails half the time; seed 14 once failed 11 intervals in a row, 60 ms off).
      const b = bounds(v, SETTINGS[0]);
      const limit = 2 * b.agreement;
      const runs = lossyRuns(v);
      const bad = runs.filter((r) => r.agreementUnderLoss > limit).map((r) => `seed ${r.seed}: ${r.agreementUnderLoss.toFixed(1)} ms`);
      if (v.sync !== 'berkeley') {
        expect(bad.length, `seeds whose nodes drifted apart by more than ${limit.toFixed(1)} ms under loss: ${bad.join(', ')}`).toBeLessThanOrEqual(0);
        return;
      }
      // Berkeley averages the corrected clocks: a round moves the clocks it adjusts to the mean of the
      // counted corrected clocks, plus sample noise that sums to 0 over them. So clocks that agree stay
      // in agreement whatever is lost and whoever coordinates (the Berkeley test after this loop), and
      // the spread never grows except by sample noise and drift. What stays slow under loss is the FIRST
      // convergence, here started under loss from raw clocks up to 400 ms apart: a member is counted
      // only if poll and reply arrive (0.7² ≈ 0.49) and moves only if its adjustment arrives too
      // (0.7³ ≈ 0.34), and a round moves only the clocks it counts. A clock still at its raw offset, or
      // one whose adjustment was lost, joins the others only in a later round that counts it, and when
      // a raw clock is counted with only some of the others, it pulls just those (by its gap / |S|).
      // Measured over 20 seeds: agreement first within j + δ after 4–29 s (2 seeds not by 30 s; they
      // converge once the loss stops, the test above), so 6 seeds are still above 2× the bound in the
      // window [10I, 15I] (25.6–117.8 ms). Checked instead, for every seed:
      //   1. once within the symmetric agreement bound, the clocks stay within twice it for the rest of
      //      the loss (measured ≤ 10.4 ms; the limit is 20.8);
      //   2. the agreement never rises above its smallest earlier value by more than twice the symmetric
      //      bound (one round's noise is ≤ (2N−3)/(2N)·j = 7 ms, and being zero-sum it does not pile up;
      //      but before convergence a round that counts only some clocks moves them to their own mean,
      //      which can take one away from the uncounted ones: measured ≤ 16.2 ms; averaging raw clocks,
      //      before the fix, it rose by up to 180 ms);
      //   3. most seeds (at least half; measured 13 of 20) converge within the 10 intervals before the
      //      window, so the seeds above the limit there are the ones still converging (1 ⇒ only those).
      const I = SETTINGS[0].intervalMs;
      for (const r of runs) {
        expect(r.afterConverged, `seed ${r.seed}: agreement after first reaching ${b.agreement.toFixed(1)} ms at t=${r.convergedAt}`).toBeLessThanOrEqual(limit);
        expect(r.growth, `seed ${r.seed}: rise of the agreement above its earlier minimum`).toBeLessThanOrEqual(limit);
      }
      const late = runs.filter((r) => r.convergedAt === undefined || r.convergedAt > 10 * I);
      expect(late.length, `seeds not converged within 10 intervals: ${late.map((r) => r.seed).join(', ')}`).toBeLessThanOrEqual(runs.length / 2);
      expect(bad.length, `seeds above ${limit.toFixed(1)} ms in the window: ${bad.join(', ')}`).toBeLessThanOrEqual(late.length);
    });

    it(`${v.name}: a clock step of ±500 ms shows in corrected time at once and is absorbed within one interval (+3 max latency)`, () => {
      const s = SETTINGS[0];
      const b = bounds(v, s);
      for (let seed = 1; seed <= SEEDS; seed++) {
        withSeed(seed, () => {
          const c = cluster(seed, v, s);
          c.runFor(2 * b.A);
          for (const [k, stepMs] of [
            [1, 500],
            [3, -500],
            [0, -500],
            [4, 500],
          ] as const) {
            const id = c.nodeIds[(seed + k) % N];
            const before = c.node(id).clock;
            c.setClock(id, { stepMs });
            const after = c.node(id).clock;
            // Same instant: the raw clock jumped by the step, the correction did not move.
            expect(after.localMs - before.localMs, at(c, `${id} local jump`)).toBeCloseTo(stepMs, 6);
            expect(after.correctedMs - before.correctedMs, at(c, `${id} corrected jump`)).toBeCloseTo(stepMs, 6);
            c.runFor(b.A);
            const w = sample(c, v, 1.5 * s.intervalMs, 11);
            expect(w.perNode, at(c, `after ${id} stepped ${stepMs}: |error − target|`)).toBeLessThanOrEqual(b.perNode);
            expect(w.agreement, at(c, `after ${id} stepped ${stepMs}: agreement`)).toBeLessThanOrEqual(b.agreement);
          }
        });
      }
    });
  }

  it('berkeley: clocks that already agree keep agreeing through 30% loss and constant leader changes', () => {
    // The bug the corrected-clock average fixed: averaging RAW clocks, each round aimed the clocks it
    // adjusted at the mean of whichever raw clocks answered, so agreed clocks were pulled 25–190 ms
    // apart by loss and by the coordinator changing. Averaging corrected clocks, a round among clocks
    // that agree moves them only by sample noise (zero-sum, ≤ (2N−3)/(2N)·j each) and drift, so the
    // symmetric agreement bound j + δ should about hold; checked against twice it, for every seed.
    // Measured: ≤ 8.6 ms, with 31 leadership changes per seed on average in the 30 s of loss (each one
    // changes the coordinator, or leaves none for a while: then the lowest up id coordinates).
    const v = VARIANTS[3];
    const s = SETTINGS[0];
    const b = bounds(v, s);
    const limit = 2 * b.agreement;
    let worst = 0;
    let changes = 0;
    for (let seed = 1; seed <= SEEDS; seed++) {
      withSeed(seed, () => {
        const c = cluster(seed, v, s);
        c.runFor(3 * s.intervalMs + 3 * s.latencyMs[1]); // converged without loss (two complete rounds)
        c.setNetwork({ dropRate: 0.3 });
        let leader = c.leader();
        for (let t = 0; t < 15 * s.intervalMs; t += 20) {
          c.runFor(20);
          if (c.leader() !== leader) {
            changes++;
            leader = c.leader();
          }
          const agreement = agreementNow(c, v);
          worst = Math.max(worst, agreement);
          expect(agreement, at(c, 'agreement under 30% loss after agreeing')).toBeLessThanOrEqual(limit);
        }
      });
    }
    expect(changes / SEEDS, 'leadership changes per seed (incl. spells without a leader)').toBeGreaterThan(15);
    expect(worst, 'the bound is not vacuous').toBeGreaterThan(b.agreement / 4);
  });
});

describe('crash and restart: the physical clock keeps running, the correction is volatile', () => {
  for (const v of VARIANTS) {
    it(`${v.name}: raw offset advances by drift while down; after restart the correction is 0 until the node's next round, then back within bounds`, () => {
      const s = SETTINGS[0];
      const b = bounds(v, s);
      // Berkeley: the restarted node answers its first poll with correction 0, so the round counts its
      // RAW clock, and the clocks meet at M + K with K = K₀ − k/N (K₀ = 0 before the crash, k = the
      // correction the crash wiped): the restart moves the agreed value by (o_i − (M + K₀))/N, and
      // the restarted node rejoins that value, not M. The rounds while it is down count the others only
      // and keep their sum, so nothing else moves K (no loss here). Measured: |K| up to 30.8 ms, and vs
      // M + K the per-node error ≤ 4.5 ms (bound 7.4) and agreement ≤ 8.6 ms (bound 10.4).
      let widestShift = 0;
      for (let seed = 1; seed <= SEEDS; seed++) {
        withSeed(seed, () => {
          const c = cluster(seed, v, s);
          c.runFor(2 * b.A);
          if (v.sync === 'berkeley') settleBerkeley(c); // no round half-applied when the node crashes
          const K0 = v.sync === 'berkeley' ? meanCorrection(c) : 0;
          // A follower, so the Berkeley coordinator (the leader) stays put.
          const id = c.nodeIds.find((x) => x !== c.leader() && x !== c.nodeIds[seed % N]) ?? c.nodeIds[seed % N];
          const atCrash = c.node(id).clock;
          expect(atCrash.correctedMs - atCrash.localMs, 'a correction was in use').not.toBe(0);
          let K = 0;
          if (v.sync === 'berkeley') {
            expect(Math.abs(K0), 'mean correction before the crash').toBeLessThan(1e-9);
            K = K0 - (atCrash.correctedMs - atCrash.localMs) / N;
          }
          c.crash(id);
          const down = c.node(id).clock;
          expect(down.offsetMs, 'the crash does not touch the physical clock').toBeCloseTo(atCrash.offsetMs, 9);
          expect(down.correctedMs, 'a down node has no correction').toBe(down.localMs);
          const downMs = 3000 + 37 * seed;
          c.runFor(downMs);
          const later = c.node(id).clock;
          expect(later.offsetMs, at(c, 'offset advanced by drift while down')).toBeCloseTo(atCrash.offsetMs + atCrash.driftPpm * 1e-6 * downMs, 6);
          expect(later.localMs - c.now).toBeCloseTo(later.offsetMs, 9);

          let firstNote: number | undefined;
          c.onEvent((e) => {
            if (e.kind === 'sync' && e.node === id && firstNote === undefined) firstNote = e.at;
          });
          c.restart(id);
          const restartAt = c.now;
          const fresh = c.node(id).clock;
          expect(fresh.correctedMs, 'no correction right after restart').toBe(fresh.localMs);
          expect(Math.abs(fresh.estimatedOffsetMs), 'estimated offset').toBe(0);
          expect(fresh.rttMs).toBeUndefined();
          // The correction stays 0 until the first sync step of this node after the restart.
          c.runUntil(() => {
            const x = c.node(id).clock;
            expect(firstNote !== undefined || x.correctedMs === x.localMs, at(c, 'correction moved before any sync step')).toBe(true);
            return firstNote !== undefined;
          }, 3 * s.intervalMs);
          expect(firstNote, 'synced again').toBeDefined();
          // ntp and cristian start their own next round one interval after the restart.
          if (v.sync !== 'berkeley') expect(firstNote! - restartAt, 'first own round').toBeGreaterThanOrEqual(s.intervalMs);
          c.runFor(Math.max(0, restartAt + b.A - c.now));
          if (v.sync === 'berkeley') {
            settleBerkeley(c);
            expect(meanCorrection(c), at(c, 'Berkeley: mean correction after the restart, K₀ − k/N')).toBeCloseTo(K, 6);
            widestShift = Math.max(widestShift, Math.abs(K));
          }
          const w = sample(c, v, 2 * s.intervalMs, 7, undefined, K);
          expect(w.perNode, at(c, 'after restart: |error − target|')).toBeLessThanOrEqual(b.perNode);
          expect(w.agreement, at(c, 'after restart: agreement')).toBeLessThanOrEqual(b.agreement);
        });
      }
      // The shift is real: for some seed the agreed value moved well beyond the per-node bound from M.
      if (v.sync === 'berkeley') expect(widestShift).toBeGreaterThan(2 * b.perNode);
    });
  }
});

describe('setClock means exactly what the architecture says', () => {
  it('refuses a shift beyond ±1e9 ms and a drift beyond ±1e6 ppm, naming the value, and records nothing', () => {
    const c = createCluster({ seed: 1 });
    c.runFor(500);
    const before = c.actions().length;
    expect(() => c.setClock('n2', { offsetMs: 1e300 })).toThrow(/setClock: offsetMs must be within ±1,000,000,000 ms \(got 1e\+300\)/);
    expect(() => c.setClock('n2', { stepMs: 1e308 })).toThrow(/stepMs must be within/);
    expect(() => c.setClock('n2', { driftPpm: 2e6 })).toThrow(/driftPpm must be above -1,000,000 and at most 1,000,000 \(got 2000000\)/);
    expect(c.actions()).toHaveLength(before);
    expect(Number.isFinite(c.node('n2').clock.correctedMs)).toBe(true);
    // At the bounds: taken.
    c.setClock('n2', { offsetMs: -1e9, driftPpm: 1e6 });
    expect(c.actions()).toHaveLength(before + 1);
  });

  it('offsetMs sets the current offset, stepMs then adds to it, driftPpm applies from then on; the correction is untouched', () => {
    for (let seed = 1; seed <= SEEDS; seed++) {
      withSeed(seed, () => {
        const c = createCluster({ seed });
        c.runFor(3000 + seed);
        const id = c.nodeIds[seed % N];
        const correction = (): number => c.node(id).clock.correctedMs - c.node(id).clock.localMs;
        const k0 = correction();
        expect(k0, 'synced').not.toBe(0);

        c.setClock(id, { offsetMs: 50 });
        expect(c.node(id).clock.offsetMs).toBeCloseTo(50, 9);
        expect(correction()).toBeCloseTo(k0, 9);

        c.setClock(id, { offsetMs: -30, stepMs: 120 });
        expect(c.node(id).clock.offsetMs, 'offset first, then the step').toBeCloseTo(90, 9);

        c.setClock(id, { stepMs: -40 });
        expect(c.node(id).clock.offsetMs, 'a step alone adds to the current offset').toBeCloseTo(50, 9);
        expect(correction(), 'the correction is untouched').toBeCloseTo(k0, 9);

        // Drift from now on: +250 ppm over 400 ms of true time adds 0.1 ms; nothing retroactive.
        const drift = c.node(id).clock.driftPpm;
        c.setClock(id, { driftPpm: 250 });
        expect(c.node(id).clock.offsetMs, 'changing drift does not move the clock').toBeCloseTo(50, 9);
        expect(c.node(id).clock.driftPpm).toBe(250);
        c.runFor(400);
        expect(c.node(id).clock.offsetMs).toBeCloseTo(50.1, 9);
        expect(drift).not.toBe(250);

        // Positive drift runs fast: the offset grows by driftPpm·1e-6 per true ms.
        c.setClock(id, { offsetMs: 0, driftPpm: -500 });
        c.runFor(1000);
        expect(c.node(id).clock.offsetMs).toBeCloseTo(-0.5, 9);

        // A down node's clock can be set too, and it keeps running.
        c.crash(id);
        c.setClock(id, { offsetMs: 10, driftPpm: 1000 });
        c.runFor(100);
        expect(c.node(id).clock.offsetMs).toBeCloseTo(10.1, 9);

        expect(() => c.setClock(id, { driftPpm: -1e6 })).toThrow(RangeError);
        expect(() => c.setClock(id, { stepMs: Number.NaN })).toThrow(RangeError);
      });
    }
  });

  it('each node starts with an offset within ±offsetMsMax and a drift within ±driftPpmMax, drawn from the seed', () => {
    for (let seed = 1; seed <= SEEDS; seed++) {
      const make = (): NodeView['clock'][] => {
        const c = createCluster({ seed, clocks: { offsetMsMax: 50, driftPpmMax: 20, sync: 'off' } });
        return c.nodeIds.map((id) => c.node(id).clock);
      };
      const clocks = make();
      for (const x of clocks) {
        expect(Math.abs(x.offsetMs), `seed ${seed}`).toBeLessThanOrEqual(50);
        expect(Math.abs(x.driftPpm), `seed ${seed}`).toBeLessThanOrEqual(20);
        expect(x.correctedMs, `sync off: no correction (seed ${seed})`).toBe(x.localMs);
      }
      expect(make(), `same seed, same clocks (seed ${seed})`).toEqual(clocks);
    }
  });
});

describe('Cristian across partitions', () => {
  it('the time server sits outside every partition group, so every connected node keeps syncing to true time', () => {
    const v = VARIANTS[2];
    const s = SETTINGS[0];
    const b = bounds(v, s);
    for (let seed = 1; seed <= SEEDS; seed++) {
      withSeed(seed, () => {
        const c = cluster(seed, v, s);
        c.runFor(2 * b.A);
        c.partition([['n1', 'n2'], ['n3'], ['n4', 'n5']]);
        // Offsets move by at most 2·D·1e-6 per ms; steps make the old corrections wrong on purpose.
        for (const id of c.nodeIds) c.setClock(id, { stepMs: 300 });
        c.runFor(b.A);
        const w = sample(c, v, 2 * s.intervalMs, 7);
        expect(w.vsTrue, at(c, 'partitioned nodes vs true time')).toBeLessThanOrEqual(b.perNode);
      });
    }
  });
});
