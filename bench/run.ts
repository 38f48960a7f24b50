// `npm run bench`: prints the engine's speed figures (nothing here is asserted; see the issues for targets).
import { engineBenchmarks, type Figure } from './engine';
import { heapBenchmarks } from './heap';
import { messagingBenchmarks } from './messaging';
import { printExplore } from './explore';
import { detectorQuality, featureCost } from './features';
import { catchUp, messagesPerCommand, mitCount } from './replication';
import { seekBenchmark } from './seek';
import { CHECKPOINT_BUDGET } from '../src/store/driver';

const quick = process.argv.includes('--quick');
const fmt = (x: number): string => Math.round(x).toLocaleString('en-US');

function table(figures: Figure[]): void {
  const rows = figures.map((f) => [f.name, fmt(f.events), fmt(f.wallMs), fmt(f.eventsPerSec), f.simSecPerWallSec.toFixed(1)]);
  const head = ['benchmark', 'events', 'wall ms', 'events/s', 'sim s / wall s'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]): string => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(line(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
}

console.log(`Wiber Sim engine bench (node ${process.version}${quick ? ', --quick' : ''})\n`);
const figures = engineBenchmarks(quick);
table(figures);
const short = figures.find((f) => f.name.includes('60 runs of 1 min'))!;
const long = figures.find((f) => f.name.includes('one run of 60 min'))!;
console.log(`\nrun length: one 60-min run costs ${(long.wallMs / (short.wallMs / 60)).toFixed(1)}x a 1-min run (60x is linear)`);
console.log('\nMessaging (latency: virtual ms from publish() to the ack reaching the client)\n');
const rows = messagingBenchmarks(quick).map((m) => [
  m.name, fmt(m.acked), fmt(m.failed), fmt(m.ackedPerSimSec), fmt(m.ackedPerWallSec), fmt(m.eventsPerSec), m.p50Ms.toFixed(1), m.p99Ms.toFixed(1),
]);
const mhead = ['benchmark', 'acked', 'failed', 'acked/sim s', 'acked/wall s', 'events/s', 'p50 ms', 'p99 ms'];
const mw = mhead.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const mline = (r: string[]): string => r.map((c, i) => (i === 0 ? c.padEnd(mw[i]) : c.padStart(mw[i]))).join('  ');
console.log(mline(mhead));
console.log(mw.map((w) => '-'.repeat(w)).join('  '));
for (const r of rows) console.log(mline(r));
const heapMb = process.memoryUsage().heapUsed / 1e6;
console.log(`heap used after all runs: ${heapMb.toFixed(1)} MB`);

/** A figure beside its goal, as the issues state them (printed, never asserted on). */
function goal(name: string, value: string, target: string, met: boolean | undefined): void {
  const mark = met === undefined ? '' : met ? '  ok' : '  MISSED';
  console.log(`${name.padEnd(58)} ${value.padStart(14)}   goal ${target}${mark}`);
}

console.log('\nReplication (issue 11)\n');
for (const seed of [1, 2, 3]) {
  const m = mitCount(seed);
  goal(`6.824 TestCount, 3 nodes, seed ${seed}: election + 12 commands`, `${m.requests} requests`, `<= 42 + ${m.heartbeats} heartbeats = ${m.bound}`, m.requests <= m.bound);
}
for (const n of [3, 5, 9]) {
  const one = messagesPerCommand(n, 100, quick ? 5000 : 20_000);
  const burst = messagesPerCommand(n, 100, quick ? 5000 : 20_000, 10);
  goal(`messages per committed command, ${n} nodes, 100/s one at a time`, one.raftPerCommand.toFixed(2), `printed (AppendEntries ${one.appendsPerCommand.toFixed(2)}, all types ${one.allPerCommand.toFixed(2)})`, undefined);
  goal(`messages per committed command, ${n} nodes, 100/s in bursts of 10`, burst.raftPerCommand.toFixed(2), `printed (AppendEntries ${burst.appendsPerCommand.toFixed(2)}, all types ${burst.allPerCommand.toFixed(2)})`, undefined);
}
const cu = catchUp(quick ? 2000 : 10_000);
goal(`catch-up of a follower ${cu.entries} entries behind`, `${fmt(cu.entriesPerSimSec)} entries/sim s`, '>= 1,000 entries/sim s', cu.entriesPerSimSec >= 1000);

console.log('\nMemory under a steady publish workload (issue 13): heap after a full GC, one sample per simulated minute\n');
for (const h of heapBenchmarks(quick)) {
  goal(
    h.name,
    `${h.mbPerSimMinute.toFixed(2)} MB/sim min`,
    `printed (samples ${h.samples.map((x) => x.toFixed(1)).join(' ')} MB; leader log ${h.leaderLog} entries, ${h.records} records kept)`,
    undefined,
  );
}

console.log('\nDefault features (ntp clock sync + failure detector) against plain Raft, idle clusters (issue 11)\n');
for (const n of [3, 5, 9]) {
  for (const mode of ['gossip', 'direct'] as const) {
    const f = featureCost(n, quick ? 20_000 : 60_000, mode);
    goal(
      `${n} nodes, detector ${mode}${mode === 'gossip' ? ' (default)' : ''}: events per sim s, features / plain`,
      `${fmt(f.defaultEventsPerSimSec)} / ${fmt(f.plainEventsPerSimSec)} = ${f.ratio.toFixed(2)}x`,
      '<= 1.5x',
      mode === 'gossip' ? f.ratio <= 1.5 : undefined,
    );
    goal(`${n} nodes, detector ${mode}: messages per sim s, features / plain`, `${fmt(f.defaultMsgsPerSimSec)} / ${fmt(f.plainMsgsPerSimSec)} (pings ${fmt(f.pingsPerSimSec)})`, 'printed', undefined);
  }
}
console.log('\nFailure detector quality per mode and kind, 5 nodes, suspectAfterMs 300 (the bounds: tests/sim/detector.test.ts)\n');
for (const kind of ['timeout', 'phi'] as const) {
  for (const mode of ['gossip', 'direct'] as const) {
    const d = detectorQuality(mode, quick ? 40 : 200, quick ? 10 : 30, kind);
    const name = `${kind}, ${mode}`;
    goal(
      `${name}: ${d.crashes} crashes × 4 observers, suspected after the last news`,
      `max ${d.maxFromLastNewsMs.toFixed(1)} ms`,
      kind === 'timeout' ? '<= 300 ms + 50 ms (suspectAfterMs + suspectAfterMs/6)' : 'printed',
      kind === 'timeout' ? d.maxFromLastNewsMs <= 350 : undefined,
    );
    goal(`${name}: the same, after the crash`, `mean ${d.meanFromCrashMs.toFixed(1)} ms, max ${d.maxFromCrashMs.toFixed(1)} ms`, 'printed', undefined);
    goal(`${name}: false suspicions, quiet network, ${d.quietRuns} seeds × 30 s`, `${d.quietFalse}`, '0', d.quietFalse === 0);
    goal(`${name}: false suspicions, latency [350,400], 10 seeds × 10 s`, `${d.slowFalse} (${d.slowFalseLate} after the first second)`, 'none after the first second', d.slowFalseLate === 0);
    goal(`${name}: false suspicions, latency [10,500], 10 seeds × 10 s`, `${d.jitterFalse} (${d.jitterFalseLate} after the first second)`, 'printed', undefined);
  }
}

console.log('\nSeek and memory, the page\'s driver headless (issue 11; the browser figures: tests/e2e/perf.e2e.ts)\n');
const minutes = quick ? 2 : 10;
for (const rate of [0, 100]) {
  const s = seekBenchmark(minutes, rate);
  const goalMs = rate > 0 ? 50 : 20;
  goal(`${s.name}: worst seek (13 targets, median of 3 each)`, `${s.worstMs.toFixed(1)} ms`, `<= ${goalMs} ms`, s.worstMs <= goalMs);
  goal(`${s.name}: median seek`, `${s.medianMs.toFixed(1)} ms`, 'printed', undefined);
  const far = Math.max(...s.far.map((x) => x.ms));
  goal(`${s.name}: worst seek across the whole run (start <-> end)`, `${far.toFixed(1)} ms (cpu ${Math.max(...s.far.map((x) => x.cpuMs)).toFixed(1)})`, `<= ${goalMs} ms`, far <= goalMs);
  goal(`${s.name}: seek CPU time, worst / median`, `${s.worstCpuMs.toFixed(1)} / ${s.medianCpuMs.toFixed(1)} ms`, 'printed (steadier than wall time under load)', undefined);
  goal(`${s.name}: events a seek replays, worst / median`, `${fmt(s.worstReplayed)} / ${fmt(s.medianReplayed)}`, 'printed (the same on every machine)', undefined);
  goal(
    `${s.name}: checkpoints`,
    `${s.checkpoints.count}`,
    `every ${fmt(s.checkpoints.every)} events, ~${(s.checkpoints.bytes / 1e6).toFixed(1)} MB estimated (budget ${(CHECKPOINT_BUDGET / 1e6).toFixed(0)} MB)`,
    undefined,
  );
  if (s.heapMb !== undefined) {
    goal(`${s.name}: heap held (journal, logs, checkpoints)`, `${s.heapMb.toFixed(1)} MB`, rate > 0 ? '<= 64 MB' : 'printed', rate > 0 ? s.heapMb <= 64 : undefined);
    goal(`${s.name}: of which checkpoints`, `${s.checkpointHeapMb!.toFixed(1)} MB`, 'printed', undefined);
  }
  console.log(`  (the run itself: ${fmt(s.events)} events in ${fmt(s.runMs)} ms of wall time)`);
}

printExplore(quick);
