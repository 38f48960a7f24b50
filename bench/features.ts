// What the default features (clock sync, failure detector) cost next to plain Raft, in events and messages per simulated second.
import { createCluster, type ClusterOptions } from '../src/sim';

export interface FeatureCost {
  nodes: number;
  plainEventsPerSimSec: number;
  defaultEventsPerSimSec: number;
  ratio: number;
  /**
   * The least the contract allows: plain Raft plus one ping every suspectAfterMs/3 between every
   * two followers (they exchange nothing else), as a ratio to plain Raft.
   */
  floorRatio: number;
  plainMsgsPerSimSec: number;
  defaultMsgsPerSimSec: number;
}

function rate(options: ClusterOptions, simMs: number): { events: number; msgs: number } {
  const c = createCluster({ seed: 3, checkers: false, ...options });
  c.runFor(2000); // past the first election
  const e0 = c.eventCount;
  const m0 = c.sentCount();
  c.runFor(simMs);
  return { events: ((c.eventCount - e0) / simMs) * 1000, msgs: ((c.sentCount() - m0) / simMs) * 1000 };
}

/** Idle clusters (the worst case for the features: nothing else to ride on). */
export function featureCost(nodes: number, simMs: number): FeatureCost {
  const plain = rate({ nodes, clocks: { sync: 'off' }, detector: { kind: 'off' } }, simMs);
  const all = rate({ nodes }, simMs);
  const followerPairs = (nodes - 1) * (nodes - 2);
  const pingsPerSec = followerPairs * (1000 / 100);
  return {
    nodes,
    plainEventsPerSimSec: plain.events,
    defaultEventsPerSimSec: all.events,
    ratio: all.events / plain.events,
    floorRatio: (plain.events + pingsPerSec) / plain.events,
    plainMsgsPerSimSec: plain.msgs,
    defaultMsgsPerSimSec: all.msgs,
  };
}
