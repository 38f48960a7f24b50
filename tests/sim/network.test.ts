// The engine's network model and time semantics, held to the headless API contract (docs/architecture.md).
import { describe, expect, it } from 'vitest';
import { DEFAULT_NETWORK, createCluster, type ClusterOptions, type InFlight, type SimEvent } from '../../src/sim/index';
import { oneLeader, recordEvents } from './helpers';

/** Only Raft on the bus: no clock sync, no failure-detector pings. */
const raftOnly: ClusterOptions = { clocks: { sync: 'off' }, detector: { kind: 'off' } };

/** Every message the cluster puts on the bus from now on, as first seen in flight (one entry per copy). */
function watchInFlight(c: ReturnType<typeof createCluster>): { seen: Map<string, InFlight>; poll: () => void } {
  const seen = new Map<string, InFlight>();
  const poll = (): void => {
    for (const m of c.inFlight()) {
      const k = `${m.id}/${m.duplicate}`;
      if (!seen.has(k)) seen.set(k, m);
    }
  };
  return { seen, poll };
}

/** Step until `ms` of virtual time have passed, polling the messages in flight after every event. */
function stepFor(c: ReturnType<typeof createCluster>, ms: number, after: () => void): void {
  const end = c.now + ms;
  while (c.step() && c.now <= end) after();
}

describe('latency, loss, duplication, reordering', () => {
  it('the defaults are the contract’s: latency [5, 15] ms, every rate 0, reorder delay [10, 50] ms', () => {
    expect(DEFAULT_NETWORK).toEqual({ latencyMs: [5, 15], dropRate: 0, duplicateRate: 0, reorderRate: 0, reorderDelayMs: [10, 50] });
    expect(createCluster().network).toEqual(DEFAULT_NETWORK);
  });

  it('each message’s one-way delay lies in [min, max], spread across it, and it arrives exactly at arriveAt', () => {
    const c = createCluster({ seed: 2, network: { latencyMs: [20, 40] } });
    const { seen, poll } = watchInFlight(c);
    const delivered: SimEvent[] = [];
    c.onEvent((e) => e.kind === 'deliver' && delivered.push(e));
    stepFor(c, 3000, poll);
    const delays = [...seen.values()].map((m) => m.arriveAt - m.sentAt);
    expect(delays.length).toBeGreaterThan(300);
    for (const d of delays) {
      expect(d).toBeGreaterThanOrEqual(20);
      expect(d).toBeLessThanOrEqual(40);
    }
    expect(Math.min(...delays)).toBeLessThan(21);
    expect(Math.max(...delays)).toBeGreaterThan(39);
    for (const e of delivered) {
      const m = seen.get(`${e.msgId}/false`);
      if (m !== undefined) expect(e.at).toBe(m.arriveAt);
    }
  });

  it('a reordered message gets an extra delay from reorderDelayMs, so later messages can overtake it', () => {
    const c = createCluster({ seed: 3, ...raftOnly, network: { latencyMs: [5, 15], reorderRate: 0.5, reorderDelayMs: [100, 200] } });
    const { seen, poll } = watchInFlight(c);
    stepFor(c, 3000, poll);
    const delays = [...seen.values()].map((m) => m.arriveAt - m.sentAt);
    const slow = delays.filter((d) => d > 15);
    expect(delays.every((d) => (d >= 5 && d <= 15) || (d >= 105 && d <= 215))).toBe(true);
    expect(slow.length / delays.length).toBeGreaterThan(0.4);
    expect(slow.length / delays.length).toBeLessThan(0.6);
    // Some pair of messages on one link arrives in the opposite order to its sending.
    const byLink = new Map<string, InFlight[]>();
    for (const m of seen.values()) byLink.set(`${m.from}>${m.to}`, [...(byLink.get(`${m.from}>${m.to}`) ?? []), m]);
    const overtaken = [...byLink.values()].some((ms) => ms.some((a) => ms.some((b) => a.id < b.id && a.arriveAt > b.arriveAt)));
    expect(overtaken).toBe(true);
  });

  it('loss: about dropRate of the messages sent are lost, each flagged in flight and dropped at its arrival time', () => {
    const c = createCluster({ seed: 4, network: { dropRate: 0.25 } });
    const { seen, poll } = watchInFlight(c);
    const events = recordEvents(c);
    stepFor(c, 20_000, poll);
    const sends = events.filter((e) => e.kind === 'send');
    const losses = events.filter((e) => e.kind === 'drop' && e.detail === 'loss');
    expect(sends.length).toBeGreaterThan(4000);
    const rate = losses.length / sends.length;
    expect(rate, `observed loss rate ${rate}`).toBeGreaterThan(0.22);
    expect(rate, `observed loss rate ${rate}`).toBeLessThan(0.28);
    for (const e of losses.slice(0, 200)) {
      const m = seen.get(`${e.msgId}/false`);
      expect(m?.lost).toBe(true);
      expect(e.at).toBe(m!.arriveAt);
    }
    expect(events.filter((e) => e.kind === 'deliver').every((e) => seen.get(`${e.msgId}/false`)?.lost !== true)).toBe(true);
  });

  it('dropRate 1 loses everything: no leader is ever elected', () => {
    const c = createCluster({ seed: 5, network: { dropRate: 1 } });
    const events = recordEvents(c);
    c.runFor(3000);
    expect(events.filter((e) => e.kind === 'deliver')).toEqual([]);
    expect(c.leader()).toBeUndefined();
  });

  it('a duplicated message is delivered twice, counted once in sentCount, and both copies show in flight', () => {
    const c = createCluster({ seed: 6, ...raftOnly, network: { duplicateRate: 1 } });
    const events = recordEvents(c);
    const { seen, poll } = watchInFlight(c);
    stepFor(c, 1000, poll);
    c.runFor(100); // let the last copies land
    const sends = events.filter((e) => e.kind === 'send');
    const deliveries = events.filter((e) => e.kind === 'deliver');
    expect(sends.length).toBeGreaterThan(50);
    expect(c.sentCount()).toBe(sends.length);
    const copies = new Map<number, number>();
    for (const d of deliveries) copies.set(d.msgId!, (copies.get(d.msgId!) ?? 0) + 1);
    const delivered = sends.filter((s) => copies.has(s.msgId!));
    expect(delivered.length).toBeGreaterThan(50);
    for (const s of delivered) expect(copies.get(s.msgId!), `message ${s.msgId}`).toBe(2);
    const dupes = [...seen.values()].filter((m) => m.duplicate);
    expect(dupes.length).toBeGreaterThan(50);
    for (const d of dupes) expect(seen.get(`${d.id}/false`)).toBeDefined();
    // Raft copes: still exactly one leader.
    oneLeader(c);
  });

  it('setNetwork changes later sends only; messages already in flight keep their arrival time and fate', () => {
    const c = createCluster({ seed: 7, ...raftOnly });
    oneLeader(c);
    c.runFor(3); // mid-heartbeat
    while (c.inFlight().length === 0) c.step();
    const before = c.inFlight();
    c.setNetwork({ latencyMs: [100, 100], dropRate: 1 });
    expect(c.network).toMatchObject({ latencyMs: [100, 100], dropRate: 1, duplicateRate: 0 });
    expect(c.inFlight().filter((m) => before.some((b) => b.id === m.id))).toEqual(before);
    const events = recordEvents(c);
    c.runFor(500);
    for (const b of before) {
      const fate = events.find((e) => e.msgId === b.id && (e.kind === 'deliver' || e.kind === 'drop'));
      expect(fate).toMatchObject({ kind: 'deliver', at: b.arriveAt });
    }
    const later = events.filter((e) => e.kind === 'send');
    expect(later.length).toBeGreaterThan(0);
    for (const s of later.filter((e) => e.at < c.now - 100)) {
      expect(events.find((e) => e.msgId === s.msgId && e.kind === 'drop')).toMatchObject({ detail: 'loss', at: s.at + 100 });
    }
  });

  it('setNetwork refuses settings out of range and leaves the network as it was', () => {
    const c = createCluster();
    expect(() => c.setNetwork({ dropRate: 1.5 })).toThrow(RangeError);
    expect(() => c.setNetwork({ duplicateRate: -0.1 })).toThrow(RangeError);
    expect(() => c.setNetwork({ latencyMs: [10, 5] })).toThrow(RangeError);
    // An invalid option is a config error naming its path (issue 10).
    expect(() => createCluster({ network: { reorderRate: 2 } })).toThrow(/^network\.reorderRate must be a number from 0 to 1/);
    expect(c.network).toEqual(DEFAULT_NETWORK);
  });
});

describe('partitions, disconnects and cut links', () => {
  it('a message across a partition is dropped when sent, at the same instant, and never goes in flight', () => {
    const c = createCluster({ seed: 8, ...raftOnly, electionTimeoutMs: [5000, 6000] });
    c.partition([['n1'], ['n2', 'n3', 'n4', 'n5']]);
    const events = recordEvents(c);
    c.timeout('n1');
    const sends = events.filter((e) => e.kind === 'send' && e.from === 'n1');
    expect(sends).toHaveLength(4);
    for (const s of sends) {
      expect(events.find((e) => e.kind === 'drop' && e.msgId === s.msgId)).toMatchObject({ at: s.at, detail: 'partition' });
    }
    expect(c.inFlight()).toEqual([]);
    expect(c.sentCount('RequestVote')).toBe(4); // counted although dropped
  });

  it('nodes named in no group form one more group', () => {
    const c = createCluster({ seed: 9, ...raftOnly, electionTimeoutMs: [5000, 6000] });
    c.partition([['n1', 'n2']]);
    const events = recordEvents(c);
    c.timeout('n3');
    c.runFor(50);
    const fate = (to: string): string | undefined =>
      events.find((e) => e.from === 'n3' && e.to === to && (e.kind === 'deliver' || e.kind === 'drop'))?.kind;
    expect([fate('n1'), fate('n2'), fate('n4'), fate('n5')]).toEqual(['drop', 'drop', 'deliver', 'deliver']);
  });

  it('a message whose link is cut while it is in flight is dropped when it would arrive (partition, disconnect, cutLink)', () => {
    for (const cut of ['partition', 'disconnect', 'cutLink'] as const) {
      const c = createCluster({ seed: 10, ...raftOnly, electionTimeoutMs: [5000, 6000] });
      c.timeout('n1');
      const toN2 = c.inFlight().find((m) => m.to === 'n2')!;
      expect(toN2.type).toBe('RequestVote');
      const events = recordEvents(c);
      if (cut === 'partition') c.partition([['n1'], ['n2', 'n3', 'n4', 'n5']]);
      else if (cut === 'disconnect') c.disconnect('n2');
      else c.cutLink('n1', 'n2');
      c.runFor(50);
      const fate = events.filter((e) => e.msgId === toN2.id && (e.kind === 'deliver' || e.kind === 'drop'));
      expect(fate, cut).toHaveLength(1);
      expect(fate[0], cut).toMatchObject({ kind: 'drop', at: toN2.arriveAt, detail: cut === 'disconnect' ? 'disconnected' : 'partition' });
      expect(c.node('n2').term, `${cut}: n2 never heard of term 1`).toBe(0);
    }
  });

  it('a link healed while a message is in flight lets it through (reachability is checked at send and at arrival only)', () => {
    const c = createCluster({ seed: 10, ...raftOnly, electionTimeoutMs: [5000, 6000] });
    c.timeout('n1');
    const toN2 = c.inFlight().find((m) => m.to === 'n2')!;
    c.disconnect('n2');
    c.reconnect('n2');
    c.runFor(50);
    expect(c.node('n2').term).toBe(1);
    expect(toN2.arriveAt).toBeLessThan(c.now);
  });

  it('a cut link is one-way: a → b is lost while b → a still arrives', () => {
    const c = createCluster({ seed: 11, ...raftOnly, electionTimeoutMs: [5000, 6000] });
    c.cutLink('n1', 'n2');
    const events = recordEvents(c);
    c.timeout('n1');
    c.timeout('n2');
    c.runFor(100);
    const fate = (from: string, to: string): string[] =>
      events.filter((e) => e.from === from && e.to === to && (e.kind === 'deliver' || e.kind === 'drop')).map((e) => e.kind);
    expect(new Set(fate('n1', 'n2'))).toEqual(new Set(['drop']));
    expect(fate('n2', 'n1')).toContain('deliver');
    c.restoreLink('n1', 'n2');
    events.length = 0;
    c.crash('n2');
    c.restart('n2');
    c.timeout('n1');
    c.runFor(100);
    expect(fate('n1', 'n2')).toContain('deliver');
  });

  it('a message to a down node is dropped on arrival as "down"', () => {
    const c = createCluster({ seed: 12, ...raftOnly, electionTimeoutMs: [5000, 6000] });
    c.crash('n2');
    const events = recordEvents(c);
    c.timeout('n1');
    c.runFor(50);
    const toN2 = events.filter((e) => e.to === 'n2' && (e.kind === 'deliver' || e.kind === 'drop'));
    expect(toN2.length).toBeGreaterThan(0); // its RequestVote, then the winner's AppendEntries
    for (const e of toN2) expect(e).toMatchObject({ kind: 'drop', detail: 'down' });
    expect(toN2[0].type).toBe('RequestVote');
  });

  it('disconnect survives crash and restart; reconnect undoes it', () => {
    const c = createCluster({ seed: 13, ...raftOnly });
    const l = oneLeader(c);
    const f = c.nodeIds.find((id) => id !== l)!;
    c.disconnect(f);
    c.crash(f);
    expect(c.node(f)).toMatchObject({ up: false, connected: false });
    c.restart(f);
    expect(c.node(f)).toMatchObject({ up: true, connected: false });
    const events = recordEvents(c);
    c.runFor(1000);
    const involving = events.filter((e) => (e.from === f || e.to === f) && (e.kind === 'deliver' || e.kind === 'drop'));
    expect(involving.length).toBeGreaterThan(0);
    expect(involving.every((e) => e.kind === 'drop' && e.detail === 'disconnected')).toBe(true);
    c.reconnect(f);
    expect(c.node(f).connected).toBe(true);
    events.length = 0;
    c.runFor(1000);
    expect(events.some((e) => e.kind === 'deliver' && e.to === f)).toBe(true);
    expect(events.some((e) => e.kind === 'deliver' && e.from === f)).toBe(true);
  });

  it('heal undoes every partition, disconnect and cut link', () => {
    const c = createCluster({ seed: 14, ...raftOnly, electionTimeoutMs: [5000, 6000] });
    c.partition([['n1', 'n2'], ['n3']]);
    c.disconnect('n4');
    c.cutLink('n5', 'n1');
    c.cutLink('n2', 'n5');
    c.heal();
    for (const id of c.nodeIds) expect(c.node(id).connected).toBe(true);
    const events = recordEvents(c);
    // Everyone stands once, so every ordered pair carries a RequestVote.
    for (const id of c.nodeIds) {
      c.timeout(id);
      c.runFor(40);
    }
    expect(events.filter((e) => e.kind === 'drop')).toEqual([]);
    const pairs = new Set(events.filter((e) => e.kind === 'deliver' && e.type === 'RequestVote').map((e) => `${e.from}>${e.to}`));
    expect(pairs.size).toBe(20);
  });

  it('a partition naming a node twice is refused', () => {
    const c = createCluster();
    expect(() => c.partition([['n1', 'n2'], ['n2']])).toThrow(RangeError);
    expect(() => c.partition([['n1', 'n9']])).toThrow(RangeError);
  });

  it('clients sit outside every group: a partitioned node still answers a client; a disconnected one does not', () => {
    const c = createCluster({ seed: 15 });
    c.partition([['n1'], ['n2'], ['n3', 'n4', 'n5']]);
    const pings = c.nodeIds.map((id) => c.command(id, 'PING'));
    c.runFor(200);
    expect(pings.map((p) => p.lines)).toEqual(c.nodeIds.map(() => ['PONG']));
    c.disconnect('n2');
    const cut = c.command('n2', 'PING');
    c.runFor(6000);
    expect(cut.lines).not.toContain('PONG');
  });
});

describe('dropMessage and sentCount', () => {
  it('dropMessage removes a message in flight at once (every copy), as a "user" drop; unknown ids return false', () => {
    const c = createCluster({ seed: 16, ...raftOnly, electionTimeoutMs: [5000, 6000], network: { duplicateRate: 1 } });
    c.timeout('n1');
    const m = c.inFlight()[0];
    const events = recordEvents(c);
    expect(c.dropMessage(m.id)).toBe(true);
    expect(c.inFlight().some((x) => x.id === m.id)).toBe(false);
    expect(events.filter((e) => e.kind === 'drop')).toEqual([expect.objectContaining({ msgId: m.id, detail: 'user', at: c.now })]);
    c.runFor(100);
    expect(events.some((e) => e.kind === 'deliver' && e.msgId === m.id)).toBe(false);
    expect(c.dropMessage(m.id)).toBe(false);
    expect(c.dropMessage(987654)).toBe(false);
  });

  it('sentCount counts every send once, by type, including messages the network drops', () => {
    const c = createCluster({ seed: 17, network: { dropRate: 0.3, duplicateRate: 0.3 } });
    const events = recordEvents(c);
    c.partition([['n1', 'n2'], ['n3', 'n4', 'n5']]);
    c.runFor(3000);
    const sends = events.filter((e) => e.kind === 'send');
    expect(c.sentCount()).toBe(sends.length);
    for (const type of ['RequestVote', 'RequestVoteReply', 'AppendEntries', 'AppendEntriesReply']) {
      expect(c.sentCount(type), type).toBe(sends.filter((e) => e.type === type).length);
    }
    expect(c.sentCount('NoSuchType')).toBe(0);
    expect(events.some((e) => e.kind === 'drop' && e.detail === 'partition')).toBe(true);
  });
});

describe('time: step, runFor, runUntil', () => {
  /** Timers at exact integer times: every election timeout is 100 ms, every delay 10 ms. */
  const exact: ClusterOptions = { ...raftOnly, electionTimeoutMs: [100, 100], network: { latencyMs: [10, 10] } };

  it('runFor(ms) processes every event due at or before now + ms, then sets now to now + ms', () => {
    const c = createCluster({ seed: 1, ...exact });
    c.runFor(99.5);
    expect(c.now).toBe(99.5);
    expect(c.eventCount).toBe(0);
    c.runFor(0.5); // the election timers are due at exactly 100
    expect(c.now).toBe(100);
    expect(c.eventCount).toBe(5);
    c.runFor(9.25); // RequestVotes arrive at 110
    expect(c.now).toBe(109.25);
    expect(c.eventCount).toBe(5);
    c.runFor(0.75);
    expect(c.now).toBe(110);
    expect(c.eventCount).toBeGreaterThan(5);
  });

  it('runFor(0) processes the events due exactly now', () => {
    const c = createCluster({ seed: 1, ...exact });
    expect(c.step()).toBe(true);
    expect(c.now).toBe(100);
    expect(c.eventCount).toBe(1);
    c.runFor(0);
    expect(c.now).toBe(100);
    expect(c.eventCount).toBe(5);
  });

  it('runFor refuses a negative duration', () => {
    expect(() => createCluster().runFor(-1)).toThrow(RangeError);
  });

  it('step() processes exactly one event and moves now to its time', () => {
    const a = createCluster({ seed: 21 });
    const b = createCluster({ seed: 21 });
    const times: number[] = [];
    const seen: number[] = [];
    b.onEvent((e) => seen.push(e.at));
    let last = 0;
    for (let i = 1; i <= 200; i++) {
      expect(a.step()).toBe(true);
      expect(a.eventCount).toBe(i);
      expect(a.now).toBeGreaterThanOrEqual(last);
      last = a.now;
      times.push(a.now);
    }
    // The same 200 events, by running to the last one's time, end at the same state.
    b.runUntil(() => b.eventCount === 200, 10_000);
    expect(b.now).toBe(times[199]);
    expect(b.node('n1')).toEqual(a.node('n1'));
  });

  it('step() returns false and leaves now alone when nothing is scheduled', () => {
    const c = createCluster({ seed: 22, ...raftOnly });
    c.runFor(1000);
    for (const id of c.nodeIds) c.crash(id);
    c.runFor(100); // messages in flight land (and are dropped)
    const now = c.now;
    const count = c.eventCount;
    expect(c.step()).toBe(false);
    expect(c.now).toBe(now);
    expect(c.eventCount).toBe(count);
  });

  it('runUntil checks done() before the first event: already true ⇒ returns true at once', () => {
    const c = createCluster({ seed: 23 });
    c.runFor(10);
    expect(c.runUntil(() => true, 1000)).toBe(true);
    expect(c.now).toBe(10);
    expect(c.eventCount).toBe(0);
  });

  it('runUntil stops at the first event after which done() holds, with now at that event', () => {
    const a = createCluster({ seed: 24 });
    const b = createCluster({ seed: 24 });
    for (let i = 0; i < 37; i++) a.step();
    expect(b.runUntil(() => b.eventCount >= 37, 10_000)).toBe(true);
    expect(b.eventCount).toBe(37);
    expect(b.now).toBe(a.now);
  });

  it('runUntil that never holds sets now to now + maxMs and returns done()', () => {
    const c = createCluster({ seed: 25 });
    c.runFor(12.5);
    expect(c.runUntil(() => false, 1000)).toBe(false);
    expect(c.now).toBe(1012.5);
    // done() is asked once more after time is set: a condition on time itself comes true there.
    expect(c.runUntil(() => c.now >= 1512.5, 500)).toBe(true);
    expect(c.now).toBe(1512.5);
  });
});

describe('crash, restart and onEvent', () => {
  it('a down node shows up: false, role follower, commitIndex 0, and keeps term, vote, log and Lamport clock', () => {
    const c = createCluster({ seed: 26 });
    const l = oneLeader(c);
    c.propose(l, 'x');
    c.runFor(200);
    const before = c.node(l);
    c.crash(l);
    const down = c.node(l);
    expect(down).toMatchObject({ up: false, role: 'follower', commitIndex: 0, term: before.term, votedFor: before.votedFor, lamport: before.lamport });
    expect(down.log).toEqual(before.log);
    expect(c.leader()).not.toBe(l);
  });

  it('restart of an up node does nothing', () => {
    const c = createCluster({ seed: 27 });
    const l = oneLeader(c);
    const before = c.node(l);
    c.restart(l);
    expect(c.node(l)).toEqual(before);
  });

  it('onEvent reports a delivery after the receiver handled it, reports user actions, and can be unsubscribed', () => {
    const c = createCluster({ seed: 28 });
    let checked = 0;
    const kinds = new Set<string>();
    const off = c.onEvent((e) => {
      kinds.add(e.kind);
      if (e.kind === 'deliver' && c.nodeIds.includes(e.to!)) {
        expect(c.node(e.to!).lamport).toBeGreaterThan(e.lamport!);
        checked++;
      }
    });
    c.runFor(500);
    c.crash('n1');
    c.partition([['n1'], ['n2']]);
    c.heal();
    c.restart('n1');
    expect(checked).toBeGreaterThan(10);
    for (const k of ['send', 'deliver', 'timer', 'role', 'crash', 'partition', 'heal', 'restart']) expect(kinds, k).toContain(k);
    off();
    const count = checked;
    c.runFor(500);
    expect(checked).toBe(count);
  });

  it('cancelled timers are not reported: a steady leader never sees its election timer fire', () => {
    const c = createCluster({ seed: 29 });
    const l = oneLeader(c);
    const events = recordEvents(c);
    c.runFor(5000);
    expect(c.leader()).toBe(l);
    expect(events.filter((e) => e.kind === 'timer' && e.type === 'election')).toEqual([]);
  });

  it('inFlight describes each message: ends, type, times, Lamport stamp and payload', () => {
    const c = createCluster({ seed: 30, ...raftOnly, electionTimeoutMs: [5000, 6000] });
    c.timeout('n3');
    const msgs = c.inFlight();
    expect(msgs).toHaveLength(4);
    for (const m of msgs) {
      expect(m).toMatchObject({ from: 'n3', type: 'RequestVote', sentAt: c.now, lost: false, duplicate: false });
      expect(m.payload).toMatchObject({ type: 'RequestVote', term: 1, candidateId: 'n3' });
      expect(m.arriveAt).toBeGreaterThan(m.sentAt);
      expect(m.lamport).toBeGreaterThan(0);
    }
    expect(new Set(msgs.map((m) => m.to))).toEqual(new Set(['n1', 'n2', 'n4', 'n5']));
  });
});
