// What the default features cost in messages: NTP rounds that do not grow with n², and their sampling of every peer.
import { describe, expect, it } from 'vitest';
import { createCluster, type SimEvent } from '../../src/sim/index';
import { at } from './helpers';

function syncRequests(nodes: number, ms: number): { c: ReturnType<typeof createCluster>; requests: SimEvent[] } {
  const c = createCluster({ seed: 9, nodes, detector: { kind: 'off' } });
  const requests: SimEvent[] = [];
  c.onEvent((e) => {
    if (e.kind === 'send' && e.type === 'SyncRequest') requests.push(e);
  });
  c.runFor(ms);
  return { c, requests };
}

describe('clock sync (ntp) cost', () => {
  it('up to five nodes every round asks every peer (the original exchange)', () => {
    const { c, requests } = syncRequests(5, 10_000);
    const rounds = new Map<string, Set<string>>();
    for (const e of requests) {
      const k = `${e.from}#${(e.payload as { round: number }).round}`;
      rounds.set(k, (rounds.get(k) ?? new Set()).add(e.to!));
    }
    expect(rounds.size).toBeGreaterThanOrEqual(5 * 4);
    for (const [k, to] of rounds) expect(to.size, at(c, `round ${k}`)).toBe(4);
  });

  it('with nine nodes a round asks four peers in turn: O(n) messages per interval, every peer asked every two rounds', () => {
    const { c, requests } = syncRequests(9, 20_000);
    const byNode = new Map<string, Map<number, string[]>>();
    for (const e of requests) {
      const round = (e.payload as { round: number }).round;
      const mine = byNode.get(e.from!) ?? new Map<number, string[]>();
      mine.set(round, [...(mine.get(round) ?? []), e.to!]);
      byNode.set(e.from!, mine);
    }
    expect(byNode.size).toBe(9);
    for (const [id, rounds] of byNode) {
      const list = [...rounds.entries()].sort((a, b) => a[0] - b[0]).map(([, to]) => to);
      expect(list.length, at(c, `${id}'s rounds in 20 s`)).toBeGreaterThanOrEqual(9);
      for (const to of list) expect(to, at(c, `${id} asked`)).toHaveLength(4);
      for (let i = 0; i + 1 < list.length; i++) {
        expect(new Set([...list[i], ...list[i + 1]]).size, at(c, `${id}: two rounds in a row ask all eight peers`)).toBe(8);
      }
    }
    // 9 nodes × 4 requests per 2 s interval, each answered: 36 messages a second rather than 72.
    expect(requests.length / 20).toBeLessThanOrEqual(9 * 4 * 0.5 + 1);
  });
});
