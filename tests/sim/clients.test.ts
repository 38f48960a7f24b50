// Issue 10, clients: one-node clusters answer at once, client lines travel as over TCP (in order, at most once, closed by faults), SUB after restart, bounded client memory, HISTORY with a negative count.
import { describe, expect, it } from 'vitest';
import { createCluster } from '../../src/sim/index';
import { at, withSeed } from './helpers';

describe('finding 1: a one-node cluster', () => {
  it('answers PUB with OK published at once (the entry commits inside propose), not ERR timeout_waiting_commit after 2 s', () => {
    withSeed(1, () => {
      const c = createCluster({ seed: 1, nodes: 1 });
      expect(c.runUntil(() => c.leader() === 'n1', 1000), at(c, 'n1 leads')).toBe(true);
      const h = c.command('n1', 'PUB t --id a hello');
      expect(c.runUntil(() => h.done, 5000), at(c, 'answered')).toBe(true);
      expect(h.lines).toEqual(['OK published a']);
      expect(c.now - h.sentAt, at(c, 'one round trip')).toBeLessThan(100);
      const g = c.command('n1', 'PUB t no id');
      c.runUntil(() => g.done, 5000);
      expect(g.lines).toEqual([expect.stringMatching(/^OK published n1-1-\d+$/)]);
      expect(c.history('n1', 't').map((r) => r.message)).toEqual(['hello', 'no id']);
    });
  });

  it('publish() on a one-node cluster ends ok after one attempt, at offset 1, not "OK duplicate" after a 2 s retry', () => {
    const c = createCluster({ seed: 1, nodes: 1 });
    c.runUntil(() => c.leader() === 'n1', 1000);
    const p = c.publish('t', 'hello');
    expect(c.runUntil(() => p.status !== 'pending', 12_000)).toBe(true);
    expect(p.status).toBe('ok');
    expect(p.offset).toBe(1);
    expect(p.attempts).toBe(1);
    expect(p.doneAt! - p.startedAt, at(c, 'latency')).toBeLessThan(100);
    expect(c.clientLog('pub').filter((l) => l.dir === 'in').map((l) => l.line)).toEqual(['OK published pub:1']);
  });
});

describe('finding 12: HISTORY with a negative count', () => {
  it('HISTORY orders -3 answers ERR n_must_be_non_negative (not OK history_end); 0 still answers an empty history', () => {
    const c = createCluster({ seed: 12, nodes: 3 });
    c.runUntil(() => c.leader() !== undefined, 3000);
    const p = c.publish('orders', 'one');
    c.runUntil(() => p.status === 'ok', 12_000);
    c.runFor(200);
    const ask = (line: string): readonly string[] => {
      const h = c.command('n1', line);
      c.runUntil(() => h.done, 6000);
      return h.lines;
    };
    expect(ask('HISTORY orders -3')).toEqual(['ERR n_must_be_non_negative']);
    expect(ask('HISTORY orders 0')).toEqual(['OK history_end']);
    expect(ask('HISTORY orders 5')).toEqual([expect.stringMatching(/^HISTORY orders pub:1 1 /), 'OK history_end']);
  });
});
