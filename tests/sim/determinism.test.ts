// Determinism: same seed + same calls ⇒ identical journal; another seed ⇒ another run; subsystems draw from independent streams.
import { describe, expect, it } from 'vitest';
import { createCluster, type Cluster, type ClusterOptions } from '../../src/sim/index';
import { canonical, testRng } from './helpers';

/** Every event the run reports, one JSON line each (payloads by value, not by identity; keys sorted). */
function transcript(c: Cluster): string[] {
  const lines: string[] = [];
  c.onEvent((e) => lines.push(canonical(e)));
  return lines;
}

/** A fixed script of user calls, chaos included, whose choices depend only on what the run shows. */
function script(c: Cluster): void {
  const r = testRng(99);
  c.runFor(400);
  let leader = c.leader();
  if (leader !== undefined) for (let i = 0; i < 5; i++) c.propose(leader, `p${i}`);
  c.runFor(37.5);
  if (leader !== undefined) c.crash(leader);
  c.runFor(300);
  const ids = c.nodeIds;
  const last = ids[ids.length - 1];
  c.partition([[ids[0], ids[1]], [ids[2]]]);
  c.setNetwork({ dropRate: 0.2, duplicateRate: 0.2, reorderRate: 0.3 });
  for (let i = 0; i < 40; i++) {
    leader = c.leader();
    if (leader !== undefined) c.propose(leader, `q${i}`);
    c.runFor(r.int(1, 60));
  }
  const first = c.inFlight()[0];
  if (first !== undefined) c.dropMessage(first.id);
  c.cutLink(ids[1], ids[2]);
  c.disconnect(last);
  c.timeout(ids[1]);
  for (let i = 0; i < 200; i++) c.step();
  for (const id of c.nodeIds) if (!c.node(id).up) c.restart(id);
  c.heal();
  c.runUntil(() => c.leader() !== undefined && c.node(c.leader()!).commitIndex >= 10, 3000);
  c.reconnect(last);
  c.runFor(1000);
}

function run(options: ClusterOptions): { events: string[]; journal: string; actions: string; final: string; sent: number; eventCount: number } {
  const c = createCluster(options);
  const events = transcript(c);
  script(c);
  const final = canonical(c.nodeIds.map((id) => c.node(id)));
  return {
    events,
    journal: canonical(c.journal()),
    actions: canonical(c.actions()),
    final,
    sent: c.sentCount(),
    eventCount: c.eventCount,
  };
}

const lossy: ClusterOptions = { network: { dropRate: 0.1, duplicateRate: 0.05, reorderRate: 0.1 } };

describe('determinism', () => {
  it('two runs of one seed with the same calls, chaos included, report identical events, journals and final states', () => {
    const a = run({ seed: 42, ...lossy });
    const b = run({ seed: 42, ...lossy });
    expect(a.events.length).toBeGreaterThan(1000);
    // Compare event by event first, so a difference points at the first divergence.
    for (let i = 0; i < Math.max(a.events.length, b.events.length); i++) {
      if (a.events[i] !== b.events[i]) expect(b.events[i], `event #${i} differs (seed 42)`).toBe(a.events[i]);
    }
    expect(b.journal).toBe(a.journal);
    expect(b.actions).toBe(a.actions);
    expect(b.final).toBe(a.final);
    expect(b.sent).toBe(a.sent);
    expect(b.eventCount).toBe(a.eventCount);
  });

  it('holds across many seeds and cluster sizes', () => {
    for (let seed = 1; seed <= 9; seed++) {
      const nodes = 3 + (seed % 3) * 2;
      const a = run({ seed, nodes, ...lossy });
      const b = run({ seed, nodes, ...lossy });
      expect(b.events.join('\n') === a.events.join('\n'), `seed ${seed} (${nodes} nodes) replays differently`).toBe(true);
      expect(b.final, `seed ${seed}`).toBe(a.final);
    }
  });

  it('the journal of a run matches what onEvent reported, event for event', () => {
    const c = createCluster({ seed: 3, ...lossy });
    const events = transcript(c);
    script(c);
    expect(canonical(c.journal())).toBe(`[${events.join(',')}]`);
  });

  it('a different seed gives a different run', () => {
    const a = run({ seed: 42, ...lossy });
    const b = run({ seed: 43, ...lossy });
    expect(b.events.join('\n')).not.toBe(a.events.join('\n'));
    expect(b.final).not.toBe(a.final);
  });

  it('the default seed is 1', () => {
    expect(run({}).events).toEqual(run({ seed: 1 }).events);
  });

  it('subsystems draw from independent streams: changing the network does not move the nodes’ first election timeouts', () => {
    const deadlines = (options: ClusterOptions): Array<number | undefined> => {
      const c = createCluster({ seed: 17, ...options });
      return c.nodeIds.map((id) => c.node(id).electionDeadline);
    };
    const quiet = deadlines({});
    expect(quiet.every((d) => d !== undefined && d >= 150 && d <= 300)).toBe(true);
    expect(deadlines({ network: { dropRate: 0.5, duplicateRate: 0.5, latencyMs: [1, 100] } })).toEqual(quiet);
  });

  it('subsystems draw from independent streams: one node drawing a timeout does not change another node’s draws', () => {
    const nextDeadline = (restartFirst: boolean): number | undefined => {
      const c = createCluster({ seed: 23, electionTimeoutMs: [5000, 6000] });
      if (restartFirst) {
        c.crash('n1');
        c.restart('n1'); // n1 draws a fresh election timeout from its own stream
      }
      c.timeout('n2'); // n2 stands and draws its next timeout
      return c.node('n2').electionDeadline;
    };
    expect(nextDeadline(true)).toBe(nextDeadline(false));
  });
});
