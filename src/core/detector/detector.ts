// Failure detectors of one node: a fixed suspicion timeout (Wiber's) and a phi-accrual alternative, behind one interface.
//
// Host protocol: call `heard(peer, now)` for every message received from a peer (true ⇒ a suspicion
// was just cleared: journal it), and `heardAt(peer, at, now)` for news relayed by another node that
// the peer was alive at `at` (gossip mode: the leader's AppendEntries say how long ago it heard each peer); keep one timer at `nextCheckAt()` and, when it fires, call
// `check(now)` (returns the peers newly suspected) and set the timer again. `heard` never makes
// `nextCheckAt` of the timeout detector earlier except when it clears a suspicion, so the host need
// re-arm the timer only after `check` and after a clear (for phi, see PhiAccrualDetector).
// `now` may be virtual time or the node's raw local clock; use one of them throughout. Heard-from
// times are volatile: a restarted node calls `reset(now)`, which also means a down node suspects
// no one if the host resets (or drops) the detector at crash.
import { nextUp } from '../clocks/physical';

export interface FailureDetector {
  readonly peers: readonly string[];
  /** A message from `peer` arrived. Returns true when this cleared a suspicion of it. Unknown peers are ignored. */
  heard(peer: string, nowMs: number): boolean;
  /**
   * News relayed by another node: `peer` was alive at `atMs` (≤ nowMs). Counts only when newer than
   * anything heard of it so far (returns 'older' otherwise, and nothing changes); clears a suspicion
   * ('cleared') only when that time is recent enough not to be suspected now, else 'newer'.
   */
  heardAt(peer: string, atMs: number, nowMs: number): 'older' | 'newer' | 'cleared';
  /** The peers that became suspected by `nowMs` (empty array when none). */
  check(nowMs: number): readonly string[];
  /** Peers suspected now, in `peers` order. The array is replaced, never mutated, on change. */
  suspects(): readonly string[];
  isSuspected(peer: string): boolean;
  /** The first time at which `check` would suspect someone more; undefined when all are suspected. */
  nextCheckAt(): number | undefined;
  /** Forgets everything: every peer counts as heard at `nowMs`, no one is suspected. */
  reset(nowMs: number): void;
  /** What it holds on `peer`, for display (undefined for an unknown peer). */
  peerState(peer: string): PeerState | undefined;
}

/** A detector's record of one peer (times on the clock the host passes in). */
export interface PeerState {
  /** Last news of the peer; the start or restart time while `heard` is false. */
  readonly lastHeardMs: number;
  /** Heard of (directly or relayed) since the detector started. */
  readonly heard: boolean;
  readonly suspected: boolean;
  /** When silence would make it suspected (a suspected peer: when it became so, at the latest). */
  readonly deadlineMs: number;
}

const NOBODY: readonly string[] = Object.freeze([]);

/** Shared bookkeeping: last-heard times and the suspect set, in flat arrays indexed by peer. */
abstract class DetectorBase implements FailureDetector {
  readonly peers: readonly string[];
  protected readonly index: Map<string, number>;
  protected readonly lastHeardMs: Float64Array;
  /** Whether the peer has been heard since creation/reset (not just given the start time). */
  protected readonly everHeard: Uint8Array;
  protected readonly suspected: Uint8Array;
  private suspectList: readonly string[] = NOBODY;

  constructor(peers: readonly string[], nowMs: number) {
    this.peers = Object.freeze(peers.slice());
    this.index = new Map(this.peers.map((p, i) => [p, i]));
    this.lastHeardMs = new Float64Array(this.peers.length).fill(nowMs);
    this.everHeard = new Uint8Array(this.peers.length);
    this.suspected = new Uint8Array(this.peers.length);
  }

  /** Silence longer than this deadline (strictly after it) makes peer i suspected. */
  protected abstract deadline(i: number): number;
  /** Hook for subclasses that learn from arrivals; called before lastHeardMs[i] is updated. */
  protected abstract learn(i: number, nowMs: number): void;

  heard(peer: string, nowMs: number): boolean {
    const i = this.index.get(peer);
    if (i === undefined) return false;
    this.learn(i, nowMs);
    this.lastHeardMs[i] = nowMs;
    this.everHeard[i] = 1;
    if (this.suspected[i] === 0) return false;
    this.suspected[i] = 0;
    this.rebuild();
    return true;
  }

  heardAt(peer: string, atMs: number, nowMs: number): 'older' | 'newer' | 'cleared' {
    const i = this.index.get(peer);
    if (i === undefined || !(atMs > this.lastHeardMs[i])) return 'older';
    this.learn(i, atMs);
    this.lastHeardMs[i] = atMs;
    this.everHeard[i] = 1;
    if (this.suspected[i] === 0 || nowMs > this.deadline(i)) return 'newer';
    this.suspected[i] = 0;
    this.rebuild();
    return 'cleared';
  }

  check(nowMs: number): readonly string[] {
    let changed: string[] | undefined;
    for (let i = 0; i < this.peers.length; i++) {
      if (this.suspected[i] === 1 || !(nowMs > this.deadline(i))) continue;
      this.suspected[i] = 1;
      (changed ??= []).push(this.peers[i]);
    }
    if (changed === undefined) return NOBODY;
    this.rebuild();
    return changed;
  }

  suspects(): readonly string[] {
    return this.suspectList;
  }

  isSuspected(peer: string): boolean {
    const i = this.index.get(peer);
    return i !== undefined && this.suspected[i] === 1;
  }

  nextCheckAt(): number | undefined {
    let at = Infinity;
    for (let i = 0; i < this.peers.length; i++) {
      if (this.suspected[i] === 0) {
        const d = this.deadline(i);
        if (d < at) at = d;
      }
    }
    // Suspicion needs silence of MORE than the timeout, so the check must run strictly after it.
    return at === Infinity ? undefined : nextUp(at);
  }

  peerState(peer: string): PeerState | undefined {
    const i = this.index.get(peer);
    if (i === undefined) return undefined;
    return { lastHeardMs: this.lastHeardMs[i], heard: this.everHeard[i] === 1, suspected: this.suspected[i] === 1, deadlineMs: this.deadline(i) };
  }

  /** When `peer` was last heard (or the start time); undefined for an unknown peer. */
  lastHeard(peer: string): number | undefined {
    const i = this.index.get(peer);
    return i === undefined ? undefined : this.lastHeardMs[i];
  }

  reset(nowMs: number): void {
    this.lastHeardMs.fill(nowMs);
    this.everHeard.fill(0);
    this.suspected.fill(0);
    this.suspectList = NOBODY;
  }

  private rebuild(): void {
    const list: string[] = [];
    for (let i = 0; i < this.peers.length; i++) if (this.suspected[i] === 1) list.push(this.peers[i]);
    this.suspectList = list.length === 0 ? NOBODY : Object.freeze(list);
  }
}

/**
 * Wiber's detector: a peer silent for more than `suspectAfterMs` (now − lastHeard > suspectAfterMs)
 * is suspected, and cleared as soon as it is heard. Peers count as heard at construction time.
 */
export class TimeoutDetector extends DetectorBase {
  readonly suspectAfterMs: number;

  constructor(peers: readonly string[], suspectAfterMs = 300, nowMs = 0) {
    super(peers, nowMs);
    this.suspectAfterMs = suspectAfterMs;
  }

  protected deadline(i: number): number {
    return this.lastHeardMs[i] + this.suspectAfterMs;
  }

  protected learn(): void {}
}

export interface PhiOptions {
  /** Suspect when phi exceeds this (phi = −log10 P(a gap this long)); Akka's default is 8. */
  threshold: number;
  /** Inter-arrival gaps remembered per peer. */
  windowSize: number;
  /** Floor of the standard deviation, so a very regular peer is not suspected after a tiny delay. */
  minStdDevMs: number;
  /** Added to the mean gap: a pause tolerated before phi starts to grow (Akka's acceptableHeartbeatPause). */
  acceptablePauseMs: number;
  /** Expected gap before a peer has been heard twice (seeds the window as mean ± estimate/4). */
  firstGapEstimateMs: number;
}

export const DEFAULT_PHI_OPTIONS: Readonly<PhiOptions> = Object.freeze({
  threshold: 8,
  windowSize: 100,
  minStdDevMs: 10,
  acceptablePauseMs: 0,
  firstGapEstimateMs: 100,
});

// Logistic approximation of the normal CDF used by Akka/Cassandra's phi-accrual detectors:
// 1 − F(y) ≈ e / (1 + e), with e = exp(−y·(A + B·y²)).
const PHI_A = 1.5976;
const PHI_B = 0.070566;

/**
 * Phi-accrual detector (Hayashibara et al., 2004): per peer, a sliding window of inter-arrival gaps
 * gives a normal model N(mean, sd); phi(now) = −log10(1 − F(now − lastHeard)) grows with silence,
 * and a peer is suspected once phi exceeds the threshold. Because phi is monotone in the silence, the
 * threshold is turned once into a deadline per peer (mean + pause + y*·sd), so `check` and
 * `nextCheckAt` agree exactly. The first message after construction/reset records no gap.
 *
 * Unlike the timeout detector, `heard` can move `nextCheckAt` earlier (a burst of short gaps lowers
 * the mean); a host that re-arms only after `check` may report a suspicion late by up to that change.
 */
export class PhiAccrualDetector extends DetectorBase {
  readonly options: Readonly<PhiOptions>;
  /** Standardised silence y* at which phi reaches the threshold. */
  private readonly yStar: number;
  private readonly gaps: Float64Array; // peer i's ring: [i·w, (i+1)·w)
  private readonly count: Uint32Array;
  private readonly head: Uint32Array;
  private readonly sum: Float64Array;
  private readonly sumSq: Float64Array;

  constructor(peers: readonly string[], options: Partial<PhiOptions> = {}, nowMs = 0) {
    super(peers, nowMs);
    this.options = Object.freeze({ ...DEFAULT_PHI_OPTIONS, ...options });
    const { threshold, windowSize } = this.options;
    if (!(threshold > 0) || !(windowSize >= 2)) throw new RangeError('phi detector needs threshold > 0 and windowSize >= 2');
    this.yStar = solveThreshold(threshold);
    const n = this.peers.length;
    this.gaps = new Float64Array(n * windowSize);
    this.count = new Uint32Array(n);
    this.head = new Uint32Array(n);
    this.sum = new Float64Array(n);
    this.sumSq = new Float64Array(n);
    for (let i = 0; i < n; i++) this.seed(i);
  }

  /** The suspicion level of `peer` at `nowMs`; 0 for an unknown peer. */
  phi(peer: string, nowMs: number): number {
    const i = this.index.get(peer);
    if (i === undefined) return 0;
    const mean = this.meanGap(i) + this.options.acceptablePauseMs;
    const y = (nowMs - this.lastHeardMs[i] - mean) / this.stdDev(i);
    const e = Math.exp(-y * (PHI_A + PHI_B * y * y));
    // Two forms of the same value, each accurate in its own tail.
    return y > 0 ? -Math.log10(e / (1 + e)) : -Math.log10(1 - 1 / (1 + e));
  }

  /** Mean of the remembered gaps of peer `peer` (ms); undefined for an unknown peer. */
  meanGapMs(peer: string): number | undefined {
    const i = this.index.get(peer);
    return i === undefined ? undefined : this.meanGap(i);
  }

  override reset(nowMs: number): void {
    super.reset(nowMs);
    for (let i = 0; i < this.peers.length; i++) this.seed(i);
  }

  protected deadline(i: number): number {
    return this.lastHeardMs[i] + this.meanGap(i) + this.options.acceptablePauseMs + this.yStar * this.stdDev(i);
  }

  protected learn(i: number, nowMs: number): void {
    if (this.everHeard[i] === 0) return;
    const gap = nowMs - this.lastHeardMs[i];
    if (gap > 0) this.push(i, gap);
  }

  private meanGap(i: number): number {
    return this.sum[i] / this.count[i];
  }

  private stdDev(i: number): number {
    const n = this.count[i];
    const mean = this.sum[i] / n;
    const variance = Math.max(0, this.sumSq[i] / n - mean * mean);
    return Math.max(Math.sqrt(variance), this.options.minStdDevMs);
  }

  private seed(i: number): void {
    this.count[i] = 0;
    this.head[i] = 0;
    this.sum[i] = 0;
    this.sumSq[i] = 0;
    const g = this.options.firstGapEstimateMs;
    this.push(i, g - g / 4);
    this.push(i, g + g / 4);
  }

  private push(i: number, gap: number): void {
    const w = this.options.windowSize;
    const base = i * w;
    const h = this.head[i];
    if (this.count[i] === w) {
      const old = this.gaps[base + h];
      this.sum[i] -= old;
      this.sumSq[i] -= old * old;
    } else {
      this.count[i]++;
    }
    this.gaps[base + h] = gap;
    this.sum[i] += gap;
    this.sumSq[i] += gap * gap;
    this.head[i] = h + 1 === w ? 0 : h + 1;
    // Running sums drift with rounding; recompute them exactly once per lap of the ring.
    if (this.head[i] === 0) {
      let s = 0;
      let q = 0;
      for (let k = 0; k < this.count[i]; k++) {
        const x = this.gaps[base + k];
        s += x;
        q += x * x;
      }
      this.sum[i] = s;
      this.sumSq[i] = q;
    }
  }
}

/** The y where the logistic tail e/(1+e) equals 10^−threshold: the real root of B·y³ + A·y − c = 0. */
function solveThreshold(threshold: number): number {
  const p = Math.pow(10, -threshold);
  const c = Math.log((1 - p) / p);
  // Cardano on y³ + P·y + Q = 0 (P > 0: one real root).
  const P = PHI_A / PHI_B;
  const Q = -c / PHI_B;
  const root = Math.sqrt((Q * Q) / 4 + (P * P * P) / 27);
  return Math.cbrt(-Q / 2 + root) + Math.cbrt(-Q / 2 - root);
}
