// A node's physical clock: true (virtual) time plus an offset that grows with drift, settable while running.

/** A change to a clock, as `Cluster.setClock` takes it. */
export interface ClockChange {
  /** Sets the current offset from true time. */
  offsetMs?: number;
  /** Then added to the offset (a sudden jump forward or back). */
  stepMs?: number;
  /** Drift from now on; positive runs fast. */
  driftPpm?: number;
}

/** A double just above finite `x` (one or two ulps): the first instant strictly after x. */
export function nextUp(x: number): number {
  // EPSILON·|x| is at least one ulp of x, so the sum rounds strictly above x; only subnormals
  // (where the product underflows) need the MIN_VALUE step, which is exact there.
  const up = x + Math.abs(x) * Number.EPSILON;
  return up > x ? up : x + Number.MIN_VALUE;
}

/**
 * Local clock = true time + offset, where the offset is `refOffsetMs` at true time `refTrueMs` and
 * grows by driftPpm·10⁻⁶ per true millisecond. Every change re-anchors the reference at the time
 * of the change, so drift never applies retroactively and no error accumulates across changes.
 * The clock keeps running while its node is down (nothing here depends on the node).
 */
export class PhysicalClock {
  private refTrueMs: number;
  private refOffsetMs: number;
  private drift: number; // driftPpm·10⁻⁶, cached for read()
  private ppm: number;
  /** The monotonic reading at refTrueMs (see monotonic()). */
  private refMonoMs: number;

  constructor(offsetMs = 0, driftPpm = 0, trueMs = 0) {
    checkDrift(driftPpm);
    this.refTrueMs = trueMs;
    this.refOffsetMs = offsetMs;
    this.ppm = driftPpm;
    this.drift = driftPpm * 1e-6;
    this.refMonoMs = trueMs;
  }

  /**
   * A monotonic clock on the same oscillator: it runs at the clock's rate (drift included) but never
   * jumps when the wall clock is set or stepped. What a leader measures a read lease with (thesis §6.4.1).
   */
  monotonic(trueMs: number): number {
    return this.refMonoMs + (trueMs - this.refTrueMs) * (1 + this.drift);
  }

  get driftPpm(): number {
    return this.ppm;
  }

  /** Local reading minus true time, at true time `trueMs`. */
  offsetAt(trueMs: number): number {
    return this.refOffsetMs + (trueMs - this.refTrueMs) * this.drift;
  }

  /** The local clock reading at true time `trueMs`. */
  read(trueMs: number): number {
    return trueMs + this.refOffsetMs + (trueMs - this.refTrueMs) * this.drift;
  }

  /**
   * Applies a change at true time `trueMs`: `offsetMs` sets the current offset, `stepMs` then adds
   * to it, `driftPpm` applies from then on. Omitted fields keep their current value.
   */
  set(change: ClockChange, trueMs: number): void {
    let offset = change.offsetMs ?? this.offsetAt(trueMs);
    if (change.stepMs !== undefined) offset += change.stepMs;
    this.refMonoMs = this.monotonic(trueMs);
    if (change.driftPpm !== undefined) {
      checkDrift(change.driftPpm);
      this.ppm = change.driftPpm;
      this.drift = change.driftPpm * 1e-6;
    }
    this.refTrueMs = trueMs;
    this.refOffsetMs = offset;
  }

  /**
   * The earliest true time at which this clock reads at least `localMs` (under the current drift and
   * offset): how a host turns a deadline on the local clock into a timer on the virtual clock.
   * Guarantees `read(trueTimeAt(x)) >= x` (exceeding the exact answer by rounding error only), so a
   * timer set there never fires a hair too early and finds nothing due.
   */
  trueTimeAt(localMs: number): number {
    // localMs = t + o0 + (t − r)·k  ⇒  t = (localMs − o0 + r·k) / (1 + k)
    let t = (localMs - this.refOffsetMs + this.refTrueMs * this.drift) / (1 + this.drift);
    // Rounding can leave read(t) a few ulps short; step up, doubling, until it is not.
    let step = Math.max(Math.abs(localMs), Math.abs(t)) * Number.EPSILON || Number.MIN_VALUE;
    while (this.read(t) < localMs) {
      t += step;
      step *= 2;
    }
    return t;
  }
}

function checkDrift(driftPpm: number): void {
  // At −10⁶ ppm the clock would stand still; below, run backwards.
  if (!Number.isFinite(driftPpm) || driftPpm <= -1e6) {
    throw new RangeError(`driftPpm must be finite and greater than -1e6, got ${driftPpm}`);
  }
}
