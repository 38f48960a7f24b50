// What the default features (clock sync, failure detector) cost next to plain Raft, in events and messages per simulated second, and how well each detector mode detects.
import { createCluster, type ClusterOptions } from '../src/sim';
import { LivenessNews } from '../src/sim/livenessNews';

export type DetectorMode = 'gossip' | 'direct';

export interface FeatureCost {
  nodes: number;
  mode: DetectorMode;
  plainEventsPerSimSec: number;
  defaultEventsPerSimSec: number;
  ratio: number;
  plainMsgsPerSimSec: number;
  defaultMsgsPerSimSec: number;
  pingsPerSimSec: number;
}

function rate(options: ClusterOptions, simMs: number): { events: number; msgs: number; pings: number } {
  const c = createCluster({ seed: 3, checkers: false, ...options });
  c.runFor(2000); // past the first election
  const e0 = c.eventCount;
  const m0 = c.sentCount();
  const p0 = c.sentCount('Ping');
  c.runFor(simMs);
  const per = (x: number): number => (x / simMs) * 1000;
  return { events: per(c.eventCount - e0), msgs: per(c.sentCount() - m0), pings: per(c.sentCount('Ping') - p0) };
}

/** Idle clusters (the worst case for the features: nothing else to ride on). */
export function featureCost(nodes: number, simMs: number, mode: DetectorMode = 'gossip'): FeatureCost {
  const plain = rate({ nodes, clocks: { sync: 'off' }, detector: { kind: 'off' } }, simMs);
  const all = rate({ nodes, detector: { mode } }, simMs);
  return {
    nodes,
    mode,
    plainEventsPerSimSec: plain.events,
    defaultEventsPerSimSec: all.events,
    ratio: all.events / plain.events,
    plainMsgsPerSimSec: plain.msgs,
    defaultMsgsPerSimSec: all.msgs,
    pingsPerSimSec: all.pings,
  };
}

export interface DetectorQuality {
  mode: DetectorMode;
  kind: 'timeout' | 'phi';
  crashes: number;
  /** From the crash to each observer's suspicion (ms). */
  meanFromCrashMs: number;
  maxFromCrashMs: number;
  /** From the last news of the victim (a message from it, or a relayed time it was alive) to the suspicion. */
  maxFromLastNewsMs: number;
  /** Suspicions on a quiet default network (all false: nothing fails). */
  quietRuns: number;
  quietFalse: number;
  /** Latency [350, 400] ms against suspectAfterMs 300: all, and after the first second. */
  slowFalse: number;
  slowFalseLate: number;
  /** Latency [10, 500] ms: all, and after the first second. */
  jitterFalse: number;
  jitterFalseLate: number;
}

function falseSuspicions(mode: DetectorMode, kind: 'timeout' | 'phi', latencyMs: [number, number], seeds: number, simMs: number): { all: number; late: number } {
  let all = 0;
  let late = 0;
  for (let seed = 1; seed <= seeds; seed++) {
    const c = createCluster({ seed, network: { latencyMs }, detector: { mode, kind }, checkers: false });
    c.onEvent((e) => {
      if (e.kind !== 'suspect') return;
      all++;
      if (e.at > 1000) late++;
    });
    c.runFor(simMs);
  }
  return { all, late };
}

/**
 * The detector's figures (tests/sim/detector.test.ts holds the bounds): `crashes` crashes of a random
 * node of 5 at default settings, 4 observers each; false suspicions on a quiet network (quietSeeds ×
 * 30 s) and on slow networks (10 seeds × 10 s).
 */
export function detectorQuality(mode: DetectorMode, crashes: number, quietSeeds: number, kind: 'timeout' | 'phi' = 'timeout'): DetectorQuality {
  let sum = 0;
  let n = 0;
  let maxFromCrash = 0;
  let maxFromNews = 0;
  for (let seed = 1; seed <= crashes; seed++) {
    const c = createCluster({ seed, detector: { mode, kind }, checkers: false });
    const news = new LivenessNews();
    const suspected = new Map<string, number>();
    c.onEvent((e) => {
      news.observe(e);
      if (e.kind === 'suspect' && !suspected.has(`${e.node}<${e.to}`)) suspected.set(`${e.node}<${e.to}`, e.at);
    });
    c.runFor(1500 + (seed % 40) * 37);
    const victim = c.nodeIds[seed % 5];
    suspected.clear();
    const crashAt = c.now;
    c.crash(victim);
    c.runFor(1000);
    for (const id of c.nodeIds) {
      if (id === victim) continue;
      const s = suspected.get(`${id}<${victim}`);
      if (s === undefined) throw new Error(`${mode}, seed ${seed}: ${id} never suspected crashed ${victim}`);
      maxFromCrash = Math.max(maxFromCrash, s - crashAt);
      maxFromNews = Math.max(maxFromNews, s - news.lastNews(id, victim)!);
      sum += s - crashAt;
      n++;
    }
  }
  let quietFalse = 0;
  for (let seed = 1; seed <= quietSeeds; seed++) {
    const c = createCluster({ seed, detector: { mode, kind }, checkers: false });
    c.onEvent((e) => {
      if (e.kind === 'suspect') quietFalse++;
    });
    c.runFor(30_000);
  }
  const slow = falseSuspicions(mode, kind, [350, 400], 10, 10_000);
  const jitter = falseSuspicions(mode, kind, [10, 500], 10, 10_000);
  return {
    mode,
    kind,
    crashes,
    meanFromCrashMs: sum / n,
    maxFromCrashMs: maxFromCrash,
    maxFromLastNewsMs: maxFromNews,
    quietRuns: quietSeeds,
    quietFalse,
    slowFalse: slow.all,
    slowFalseLate: slow.late,
    jitterFalse: jitter.all,
    jitterFalseLate: jitter.late,
  };
}
