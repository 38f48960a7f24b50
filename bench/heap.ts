// Heap per simulated minute under a steady publish workload, with and without snapshots (issue 13, paper §7).
import v8 from 'node:v8';
import vm from 'node:vm';
import { createCluster } from '../src/sim';

v8.setFlagsFromString('--expose_gc');
const gc = vm.runInNewContext('gc') as () => void;

export interface HeapFigure {
  name: string;
  /** Heap used after a full GC at the end of each measured minute, MB. */
  samples: number[];
  /** Least-squares slope of the samples: MB per simulated minute. */
  mbPerSimMinute: number;
  /** Entries in the leader's log at the end (compaction keeps this bounded). */
  leaderLog: number;
  /** Records stored per node at the end. */
  records: number;
}

function heapMb(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 1e6;
}

/** 5 nodes, 100 publishes/s spread over 4 topics, checkers off; one warm-up minute, then `minutes` measured. */
export function heapPerMinute(name: string, snapshotEvery: number, minutes: number, retain = Infinity): HeapFigure {
  // No action log: every publish() call would be kept in it for replay (about 2 MB per simulated minute here).
  const c = createCluster({ seed: 11, nodes: 5, checkers: false, snapshotEvery, broker: { dedupWindow: 1000, retain }, recordActions: false });
  c.runFor(1000);
  let k = 0;
  const minute = (): void => {
    for (let t = 0; t < 60_000; t += 10) {
      c.publish(`t${k % 4}`, `message ${k}`);
      k++;
      c.runFor(10);
    }
  };
  minute();
  const samples = [heapMb()];
  for (let m = 0; m < minutes; m++) {
    minute();
    samples.push(heapMb());
  }
  const n = samples.length;
  const mx = (n - 1) / 2;
  const my = samples.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  samples.forEach((y, x) => {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  });
  const leader = c.leader() ?? c.nodeIds[0];
  return { name, samples, mbPerSimMinute: num / den, leaderLog: c.node(leader).log.length, records: c.topics(leader).reduce((a, t) => a + c.history(leader, t).length, 0) };
}

export function heapBenchmarks(quick: boolean): HeapFigure[] {
  const minutes = quick ? 2 : 5;
  return [
    heapPerMinute('5 nodes, 100 publishes/s, no snapshots', 0, minutes),
    heapPerMinute('5 nodes, 100 publishes/s, snapshotEvery 1000', 1000, minutes),
    heapPerMinute('5 nodes, 100 publishes/s, snapshotEvery 1000, retain 1000', 1000, minutes, 1000),
  ];
}

if (process.argv[1]?.endsWith('heap.ts')) {
  for (const f of heapBenchmarks(process.argv.includes('--quick'))) {
    console.log(f.name.padEnd(48), f.mbPerSimMinute.toFixed(2), 'MB/sim min', f.samples.map((x) => x.toFixed(1)).join(' '), 'log', f.leaderLog, 'records', f.records);
  }
}
