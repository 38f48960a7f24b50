// Lease reads and leadership transfer (thesis §6.4.1 and §3.10): "a leader would need to expire its lease
// before transferring leadership". TimeoutNow lets the target win at once, past the followers' stickiness
// that the lease relies on; a leader that kept serving reads from its lease would answer stale data.
import { describe, expect, it } from 'vitest';
import { createCluster, type SimCluster } from '../../src/sim/index';
import { at, until, withSeed } from './helpers';

function reply(c: SimCluster, node: string, line: string): readonly string[] {
  const h = c.command(node, line);
  expect(until(c, () => h.done, 6000), at(c, `reply to ${line} at ${node}`)).toBe(true);
  return h.lines;
}

describe('lease reads across a leadership transfer (thesis §3.10, §6.4.1)', () => {
  it('a leader that hands over stops answering from its lease: cut off right after TimeoutNow, it never serves a stale read', () => {
    for (const seed of [1000, 1007, 1014, 1021, 1028, 1035, 1042, 1049]) {
      withSeed(seed, () => {
        const c = createCluster({ seed, nodes: 5, reads: 'lease', checkers: 'record', clocks: { sync: 'off' }, detector: { kind: 'off' } });
        expect(until(c, () => c.leader() !== undefined, 3000), at(c, 'leader')).toBe(true);
        const old = c.leader()!;
        const first = c.publish('orders', 'before', { via: old });
        expect(until(c, () => first.status === 'ok', 2000), at(c, 'before acked')).toBe(true);
        c.runFor(200);
        const to = c.nodeIds.find((id) => id !== old)!;
        expect(c.transferLeadership(to)).toBe(true);
        // The target gets TimeoutNow; then the old leader is cut off before it hears the new term.
        expect(until(c, () => c.journal().some((e) => e.kind === 'deliver' && e.type === 'TimeoutNow' && e.to === to), 500), at(c, 'TimeoutNow delivered')).toBe(true);
        c.partition([[old]]);
        expect(until(c, () => c.leader() === to, 1000), at(c, 'the target leads')).toBe(true);
        const kept = c.publish('orders', 'kept', { via: to, client: 'a' });
        expect(until(c, () => kept.status === 'ok', 2000), at(c, 'kept acked')).toBe(true);
        // The old leader still believes it leads; within what was its lease it must not answer alone.
        expect(c.node(old).role).toBe('leader');
        const lines = reply(c, old, 'HISTORY orders 10');
        expect(c.violations().map((v) => v.message), at(c, `old leader answered ${lines.join(' / ')}`)).toEqual([]);
        expect(lines[0]).toMatch(/^ERR /);
      });
    }
  });

  it('an abandoned transfer gives the lease back only in a new term: a TimeoutNow still in flight can elect the target, and the old leader must not read alone (audit r5)', () => {
    let reproduced = 0;
    for (const seed of [1, 2, 3, 4]) {
      withSeed(seed, () => {
        const c = createCluster({ seed, nodes: 3, reads: 'lease', checkers: 'record' });
        expect(until(c, () => c.leader() !== undefined, 5000), at(c, 'leader')).toBe(true);
        c.publish('t', 'w1');
        c.runFor(300);
        const old = c.leader()!;
        const [to, other] = c.nodeIds.filter((id) => id !== old);
        // Only the TimeoutNow is slow: it lands after the transfer has been abandoned (three heartbeats).
        c.setNetwork({ latencyMs: [400, 400] });
        expect(c.transferLeadership(to)).toBe(true);
        c.setNetwork({ latencyMs: [5, 15] });
        const tn = c.inFlight().find((m) => m.type === 'TimeoutNow');
        if (tn === undefined) return;
        expect(until(c, () => c.node(old).transferee === null, 400), at(c, 'transfer abandoned')).toBe(true);
        c.runFor(Math.max(0, tn.arriveAt - c.now - 1));
        // The old leader hears nothing more: it still believes it leads when the target wins.
        c.cutLink(to, old);
        c.cutLink(other, old);
        if (!until(c, () => c.node(to).role === 'leader', 100)) return;
        reproduced++;
        expect(c.node(old).leaseMs, at(c, 'no lease taken after the TimeoutNow went out')).toBeLessThanOrEqual(0);
        const w2 = c.publish('t', 'w2', { via: to });
        expect(until(c, () => w2.status === 'ok', 500), at(c, 'w2 acked')).toBe(true);
        const h = c.command(old, 'HISTORY t 10');
        c.runFor(100);
        expect(h.lines.join(' / '), at(c, 'the old leader answered alone')).not.toMatch(/history_end/);
        expect(c.violations().map((v) => v.message), at(c, 'stale read')).toEqual([]);
      });
    }
    // The situation does come up (the target is elected by the late TimeoutNow).
    expect(reproduced).toBeGreaterThan(0);
  });
});
