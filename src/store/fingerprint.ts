// A short hash of a run's observable state, to tell at a glance whether two copies of a run agree.
import type { NodeView } from '../sim';

/** A short hash of everything observable about the nodes now: equal fingerprints mean identical runs so far. */
export function fingerprint(now: number, seq: number, views: readonly NodeView[]): string {
  let h = 0x811c9dc5;
  const add = (s: string): void => {
    for (let i = 0; i < s.length; i++) {
      h ^= s.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    h ^= 0x1f;
    h = Math.imul(h, 0x01000193) >>> 0;
  };
  add(now.toFixed(6));
  add(String(seq));
  for (const v of views) {
    add(`${v.id}|${v.up}|${v.connected}|${v.role}|${v.term}|${v.votedFor}|${v.commitIndex}|${v.lastApplied}|${v.lamport}`);
    for (const e of v.log) add(`${e.term}:${JSON.stringify(e.command)}`);
  }
  return h.toString(16).padStart(8, '0');
}
