// Stepping inside the guide: a private copy of the guide's cluster (rebuilt by replaying its options
// and action log into a playback Driver), so the learner can step event by event, run to the next
// election or commit, and read each event's explanation and the space-time diagram, while the
// chapter's own cluster stays exactly where the step left it (Next carries on from there).
import type { SimCluster } from '../../sim/cluster';
import { Driver, type FeedItem } from '../../store/driver';
import { SEARCH_LIMIT_MS } from '../../store/sim';
import { stepGoal, untilGoal, watched, type StepKind, type UntilGoal } from '../../store/stepKinds';
import { clusterFingerprint, snapCluster, type ClusterSnap } from './model';
import { runOptionsOf } from './handoff';

/** Wall time one Step may take before it stops and says how far it got (the page must stay responsive). */
const STEP_BUDGET_MS = 1500;

export interface StepReport {
  /** 'ok': it stopped where asked; 'none': nothing of that kind within the search limit; 'budget': still looking. */
  readonly result: 'ok' | 'none' | 'budget' | 'error';
  /** What to tell the learner when it did not stop where asked. */
  readonly message?: string;
  /** Events passed over (not of the watched kind) on the way. */
  readonly skipped: number;
}

export class Explorer {
  /** Event number (FeedItem.seq) and time where the guide's step left the cluster. */
  readonly originSeq: number;
  readonly originNow: number;
  /** Bumped on every move, for React. */
  version = 0;
  /** The events of the last move's final moment (what the narration explains). */
  private last: FeedItem[] = [];

  private constructor(readonly driver: Driver) {
    this.originSeq = driver.seq;
    this.originNow = driver.now;
  }

  /** A copy of `cluster` at the same moment; throws when its action log cannot be replayed or the copy differs. */
  static of(cluster: SimCluster): Explorer {
    const d = new Driver(runOptionsOf(cluster.options));
    try {
      for (const a of cluster.actions()) {
        d.cluster.advanceTo(a.events, a.at);
        d.act(a.op, a.args);
      }
      d.cluster.advanceTo(cluster.eventCount, cluster.now);
      if (clusterFingerprint(d.cluster) !== clusterFingerprint(cluster)) throw new Error('the copy of the guide’s cluster differs from it (a replay difference)');
    } catch (err) {
      d.dispose();
      throw err;
    }
    return new Explorer(d);
  }

  get now(): number {
    return this.driver.now;
  }

  /** Events since the step's own moment. */
  get moved(): number {
    return this.driver.seq - this.originSeq;
  }

  snap(): ClusterSnap {
    return snapCluster(this.driver.cluster);
  }

  /** The newest `n` events, oldest first. */
  feed(n = 8000): FeedItem[] {
    return this.driver.feedTail(n);
  }

  /** The events of the last move's final moment. */
  get lastStep(): readonly FeedItem[] {
    return this.last;
  }

  /** Step: on to the next event of the watched kind ("all": exactly one scheduler event). */
  step(kind: StepKind): StepReport {
    const d = this.driver;
    if (kind === 'all') {
      d.beginBatch();
      try {
        d.step();
      } catch (err) {
        return this.done({ result: 'error', message: err instanceof Error ? err.message : String(err), skipped: 0 });
      }
      this.last = d.lastStep;
      return this.done({ result: 'ok', skipped: 0 });
    }
    const goal = stepGoal(kind);
    return this.run(goal.stop, goal.none, (item) => !watched(kind, item.e));
  }

  /** Runs to the next delivery (of the watched kind), election, leader or commit. */
  until(goal: UntilGoal, kind: StepKind = 'all'): StepReport {
    const g = untilGoal(goal, kind);
    return this.run(g.stop, g.none, () => false);
  }

  private run(stop: (item: FeedItem) => boolean, none: string, passedOver: (item: FeedItem) => boolean): StepReport {
    const d = this.driver;
    const from = d.seq;
    d.beginBatch();
    d.setStop(stop);
    let r;
    try {
      r = d.advance(d.now + SEARCH_LIMIT_MS, performance.now() + STEP_BUDGET_MS);
    } catch (err) {
      return this.done({ result: 'error', message: err instanceof Error ? err.message : String(err), skipped: 0 });
    } finally {
      d.setStop(null);
    }
    const stopped = d.stopped;
    const items = d.feedTail(d.seq - from);
    const skipped = items.filter(passedOver).length;
    if (r === 'stop' && stopped !== null) {
      // The whole moment of the event it stopped at (a delivery and the reply it caused share it).
      this.last = items.filter((i) => i.e.at === stopped.e.at);
      return this.done({ result: 'ok', skipped });
    }
    this.last = [];
    if (r === 'budget') return this.done({ result: 'budget', message: `Still looking at t = ${(d.now / 1000).toFixed(3)} s: press again to go on.`, skipped });
    return this.done({ result: 'none', message: none, skipped });
  }

  private done(r: StepReport): StepReport {
    this.version++;
    return r;
  }

  dispose(): void {
    this.driver.dispose();
  }
}
