// Engine benchmarks: events per wall second, simulated seconds per wall second, scaling with N and run length.
import { createCluster, type ClusterOptions } from '../src/sim';

export interface Figure {
  name: string;
  events: number;
  wallMs: number;
  simMs: number;
  eventsPerSec: number;
  simSecPerWallSec: number;
}

function measure(name: string, options: ClusterOptions, simMs: number, proposalsPerSec = 0): Figure {
  const c = createCluster(options);
  c.runFor(1000); // warm-up: elect a leader
  const start = c.eventCount;
  const t0 = performance.now();
  if (proposalsPerSec > 0) {
    const gap = 1000 / proposalsPerSec;
    let k = 0;
    for (let t = 0; t < simMs; t += gap) {
      c.runFor(gap);
      const leader = c.leader();
      if (leader !== undefined) c.propose(leader, `p${k++}`);
    }
  } else {
    c.runFor(simMs);
  }
  const wallMs = performance.now() - t0;
  const events = c.eventCount - start;
  return { name, events, wallMs, simMs, eventsPerSec: (events / wallMs) * 1000, simSecPerWallSec: simMs / wallMs };
}

/** Sixty fresh 1-minute runs, to compare with one 60-minute run: a run must not slow down as it grows. */
function sixtyShortRuns(minute: number): Figure {
  let events = 0;
  let wallMs = 0;
  for (let i = 0; i < 60; i++) {
    const f = measure('one short run', { nodes: 5, checkers: false, seed: i + 1 }, minute);
    events += f.events;
    wallMs += f.wallMs;
  }
  return { name: '5 nodes idle, 60 runs of 1 min', events, wallMs, simMs: 60 * minute, eventsPerSec: (events / wallMs) * 1000, simSecPerWallSec: (60 * minute) / wallMs };
}

export function engineBenchmarks(quick: boolean): Figure[] {
  const scale = quick ? 0.2 : 1;
  const figures: Figure[] = [];
  const minute = 60_000 * scale;
  // Warm the JIT so the first figure is not the compiler's.
  measure('warm-up', { nodes: 5 }, 2 * minute, 100);
  measure('warm-up', { nodes: 5, checkers: false }, 5 * minute);
  const noTime = { clocks: { sync: 'off' as const }, detector: { kind: 'off' as const } };
  figures.push(measure('5 nodes idle, checkers off, no clocks/detector', { nodes: 5, checkers: false, ...noTime }, 10 * minute));
  figures.push(measure('5 nodes idle, checkers off', { nodes: 5, checkers: false }, 10 * minute));
  figures.push(measure('5 nodes idle, checkers on', { nodes: 5 }, 10 * minute));
  figures.push(measure('5 nodes idle, checkers off, no journal', { nodes: 5, checkers: false, journalLimit: 0 }, 10 * minute));
  figures.push(
    measure('5 nodes, 100 prop/s, 5% loss, checkers off, no clocks/detector', { nodes: 5, checkers: false, network: { dropRate: 0.05 }, ...noTime }, 2 * minute, 100),
  );
  figures.push(
    measure('5 nodes, 100 proposals/s, 5% loss, checkers off', { nodes: 5, checkers: false, network: { dropRate: 0.05 } }, 2 * minute, 100),
  );
  figures.push(
    measure('5 nodes, 100 proposals/s, 5% loss, checkers on', { nodes: 5, network: { dropRate: 0.05 } }, 2 * minute, 100),
  );
  for (const n of [3, 5, 9, 15, 25]) {
    figures.push(measure(`N=${n} idle, checkers off`, { nodes: n, checkers: false }, 5 * minute));
  }
  figures.push(sixtyShortRuns(minute));
  figures.push(measure('5 nodes idle, one run of 60 min', { nodes: 5, checkers: false }, 60 * minute));
  return figures;
}
