// Vector clocks for the space-time diagram: a stamp per node index, and the happened-before relation.
//
// A vector is a plain array indexed by the node's position in the cluster (the host maps ids to
// indices once). Tick and receive update in place, so only a send that must carry a stamp copies.

export type VectorClock = number[];

export type Causality = 'before' | 'after' | 'equal' | 'concurrent';

export function vectorCreate(nodes: number): VectorClock {
  return new Array<number>(nodes).fill(0);
}

/** A local event or a send at node `self`; copy the vector afterwards if a message carries it. */
export function vectorTick(v: VectorClock, self: number): void {
  v[self]++;
}

/** Receipt at node `self` of a message stamped `stamp`: element-wise max, then tick. */
export function vectorReceive(v: VectorClock, stamp: ArrayLike<number>, self: number): void {
  const n = Math.min(v.length, stamp.length);
  for (let i = 0; i < n; i++) if (stamp[i] > v[i]) v[i] = stamp[i];
  v[self]++;
}

/** How event a relates to event b: a happened before b, after it, is the same, or is concurrent. */
export function vectorCompare(a: ArrayLike<number>, b: ArrayLike<number>): Causality {
  let less = false;
  let greater = false;
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x < y) less = true;
    else if (x > y) greater = true;
    if (less && greater) return 'concurrent';
  }
  return less ? 'before' : greater ? 'after' : 'equal';
}

export function happenedBefore(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  return vectorCompare(a, b) === 'before';
}
