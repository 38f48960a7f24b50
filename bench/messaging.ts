// Messaging benchmarks: acknowledged publishes per simulated and per wall second, and publish latency percentiles.
import { createCluster, type Publish } from '../src/sim';

export interface MessagingFigure {
  name: string;
  acked: number;
  failed: number;
  ackedPerSimSec: number;
  ackedPerWallSec: number;
  eventsPerSec: number;
  p50Ms: number;
  p99Ms: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** `publishers` clients each publish `ratePerSec` messages per simulated second for `simMs`. */
function measure(name: string, dropRate: number, publishers: number, ratePerSec: number, simMs: number): MessagingFigure {
  // At 200 publishes/s a retry can land more than 100 records after its original, past the default
  // dedup window; a larger window keeps the figures about speed, not about duplicates.
  const c = createCluster({ seed: 7, nodes: 5, checkers: false, network: { dropRate }, broker: { dedupWindow: 1000 } });
  c.runFor(1000);
  const ops: Publish[] = [];
  const gap = 1000 / ratePerSec;
  const t0 = performance.now();
  const e0 = c.eventCount;
  let k = 0;
  for (let t = 0; t < simMs; t += gap) {
    for (let p = 1; p <= publishers; p++) {
      ops.push(c.publish(`t${p % 3}`, `m${k++}`, { client: `p${p}` }));
    }
    c.runFor(gap);
  }
  // Let the stragglers finish (publishers give up after 10 s).
  c.runFor(12_000);
  const wallMs = performance.now() - t0;
  const acked = ops.filter((o) => o.status === 'ok');
  const latencies = acked.map((o) => o.doneAt! - o.startedAt).sort((a, b) => a - b);
  return {
    name,
    acked: acked.length,
    failed: ops.filter((o) => o.status === 'failed').length,
    ackedPerSimSec: acked.length / (simMs / 1000),
    ackedPerWallSec: (acked.length / wallMs) * 1000,
    eventsPerSec: ((c.eventCount - e0) / wallMs) * 1000,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
  };
}

export function messagingBenchmarks(quick: boolean): MessagingFigure[] {
  const simMs = quick ? 10_000 : 60_000;
  measure('warm-up', 0, 10, 20, 5_000);
  return [
    measure('5 nodes, 10 publishers x 20/s, no loss (dedup window 1000)', 0, 10, 20, simMs),
    measure('5 nodes, 10 publishers x 20/s, 5% loss (dedup window 1000)', 0.05, 10, 20, simMs),
  ];
}
