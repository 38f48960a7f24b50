// What each node has heard of each peer's liveness, rebuilt from the journal: the failure detector's "last news" for tests and the bench.
import type { AliveEntry } from './nodeActor';
import type { SimEvent } from './types';

/** The `alive` table of a gossip-mode AppendEntries event (peer → entry), if it has one. */
export function aliveTableOf(e: SimEvent): Readonly<Record<string, AliveEntry>> | undefined {
  if (e.type !== 'AppendEntries' || typeof e.payload !== 'object' || e.payload === null) return undefined;
  return (e.payload as { alive?: Readonly<Record<string, AliveEntry>> }).alive;
}

/**
 * Feed it every event in order (cluster.onEvent). It follows the detector's rules (docs/time.md,
 * "Failure detector"): a delivery from a peer is news of it now; an entry of a relayed table is news
 * only when its heartbeat counter is higher than any known, dated `agoMs` before the arrival. It
 * does not model an observer's crash (which makes the real detector forget everything).
 */
export class LivenessNews {
  private readonly at = new Map<string, number>();
  private readonly hb = new Map<string, number>();

  observe(e: SimEvent): void {
    if (e.kind !== 'deliver' || e.from === undefined || e.to === undefined) return;
    const k = `${e.to}<${e.from}`;
    this.at.set(k, e.at);
    if (e.lamport !== undefined && !((this.hb.get(k) ?? -Infinity) >= e.lamport)) this.hb.set(k, e.lamport);
    const table = aliveTableOf(e);
    if (table === undefined) return;
    for (const [peer, entry] of Object.entries(table)) {
      if (peer === e.to || peer === e.from) continue;
      const kp = `${e.to}<${peer}`;
      if ((this.hb.get(kp) ?? -Infinity) >= entry.hb) continue;
      this.hb.set(kp, entry.hb);
      const t = e.at - entry.agoMs;
      if (!((this.at.get(kp) ?? -Infinity) >= t)) this.at.set(kp, t);
    }
  }

  /** The latest time `observer` knows `peer` was alive (undefined: never heard of it). */
  lastNews(observer: string, peer: string): number | undefined {
    return this.at.get(`${observer}<${peer}`);
  }
}

/**
 * A message payload with the detector's `alive` table emptied: what Raft itself sent (the explorer
 * compares these). Raft creates every AppendEntries with an empty `alive` slot, so it stays, empty.
 */
export function withoutAlive(payload: unknown): unknown {
  if (typeof payload !== 'object' || payload === null || !('alive' in payload)) return payload;
  if ((payload as { alive?: unknown }).alive === undefined) return payload;
  const { alive: _alive, ...rest } = payload as Record<string, unknown>;
  return { ...rest, alive: undefined };
}
