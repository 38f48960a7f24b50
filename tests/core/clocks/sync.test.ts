// Unit tests of clock sync: NTP-style formulas and rounds, Cristian and Berkeley, stale and duplicate replies.
import { describe, it, expect } from 'vitest';
import { PhysicalClock } from '../../../src/core/clocks/physical';
import {
  corrected,
  createSyncState,
  estimatedOffsetMs,
  finishRound,
  isSyncMessage,
  ntpDelay,
  ntpOffset,
  onMessage,
  startRound,
  timeServerReply,
  type SyncMessage,
  type SyncOptions,
  type SyncSend,
  type SyncState,
} from '../../../src/core/clocks/sync';

const SERVER = 'time';

/**
 * A hand-driven bus: nodes with physical clocks, one-way delays per (from, to) link, messages
 * delivered in true-time order. The time server answers with true time.
 */
class Bus {
  now = 0;
  private queue: { at: number; seq: number; from: string; to: string; msg: SyncMessage }[] = [];
  private seq = 0;
  readonly nodes = new Map<string, { clock: PhysicalClock; sync: SyncState }>();
  /** One-way delay of a link; default 10 ms. */
  delay: (from: string, to: string) => number = () => 10;
  /** Drop a message when this returns true. */
  drop: (from: string, to: string, msg: SyncMessage) => boolean = () => false;
  delivered: SyncMessage[] = [];

  constructor(offsets: Record<string, number>, options: Partial<SyncOptions>, driftPpm: Record<string, number> = {}) {
    for (const [id, off] of Object.entries(offsets)) {
      this.nodes.set(id, { clock: new PhysicalClock(off, driftPpm[id] ?? 0, 0), sync: createSyncState(id, { timeServerId: SERVER, ...options }) });
    }
  }

  local(id: string): number {
    return this.nodes.get(id)!.clock.read(this.now);
  }

  correctedError(id: string): number {
    const n = this.nodes.get(id)!;
    return corrected(n.sync, n.clock.read(this.now)) - this.now;
  }

  send(from: string, out: readonly SyncSend[]): void {
    for (const s of out) {
      if (this.drop(from, s.to, s.msg)) continue;
      this.queue.push({ at: this.now + this.delay(from, s.to), seq: this.seq++, from, to: s.to, msg: s.msg });
    }
  }

  start(id: string, peers?: string[]): void {
    const n = this.nodes.get(id)!;
    this.send(id, startRound(n.sync, this.local(id), peers ?? [...this.nodes.keys()]));
  }

  /** Delivers every queued message (and the answers they cause), in time order. */
  run(): void {
    while (this.queue.length > 0) {
      this.queue.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const m = this.queue.shift()!;
      this.now = Math.max(this.now, m.at);
      this.delivered.push(m.msg);
      if (m.to === SERVER) {
        if (m.msg.type === 'TimeRequest') this.send(SERVER, [{ to: m.from, msg: timeServerReply(m.msg, this.now) }]);
        continue;
      }
      const n = this.nodes.get(m.to)!;
      this.send(m.to, onMessage(n.sync, m.from, m.msg, this.local(m.to)));
    }
  }

  advance(ms: number): void {
    this.now += ms;
  }
}

describe('NTP-style offset and delay formulas', () => {
  it('with symmetric delays the offset is exact and the delay is the time on the wire', () => {
    // Client clock = true; server clock = true + 200; 15 ms each way; server holds it 4 ms.
    const t1 = 1_000;
    const t2 = 1_000 + 15 + 200;
    const t3 = t2 + 4;
    const t4 = 1_000 + 15 + 4 + 15;
    expect(ntpOffset(t1, t2, t3, t4)).toBe(200);
    expect(ntpDelay(t1, t2, t3, t4)).toBe(30);
  });

  it('with asymmetric delays the offset is biased by (d_forward − d_back) / 2', () => {
    const offset = -50;
    const dForward = 40;
    const dBack = 10;
    const t1 = 0;
    const t2 = dForward + offset;
    const t3 = t2;
    const t4 = dForward + dBack;
    expect(ntpOffset(t1, t2, t3, t4)).toBe(offset + (dForward - dBack) / 2); // −50 + 15
    expect(ntpDelay(t1, t2, t3, t4)).toBe(dForward + dBack);
  });
});

describe('NTP-style sync (the original exchange with every peer)', () => {
  it('with symmetric delays and own 0 counted, every corrected clock converges to the mean of all clocks', () => {
    const bus = new Bus({ n1: -100, n2: 0, n3: 250 }, { algorithm: 'ntp', countSelf: true });
    for (const id of ['n1', 'n2', 'n3']) bus.start(id);
    bus.run();
    for (const id of ['n1', 'n2', 'n3']) {
      expect(bus.correctedError(id)).toBeCloseTo(50, 9); // (−100 + 0 + 250) / 3
      expect(bus.nodes.get(id)!.sync.rttMs).toBeCloseTo(20, 9);
    }
    expect(estimatedOffsetMs(bus.nodes.get('n3')!.sync)).toBeCloseTo(200, 9); // 250 − 50
  });

  it('without own 0 (the original) each node converges to the mean of the other clocks, so nodes still disagree', () => {
    const bus = new Bus({ n1: -100, n2: 0, n3: 250 }, { algorithm: 'ntp' });
    for (const id of ['n1', 'n2', 'n3']) bus.start(id);
    bus.run();
    expect(bus.correctedError('n1')).toBeCloseTo(125, 9); // (0 + 250) / 2
    expect(bus.correctedError('n2')).toBeCloseTo(75, 9);
    expect(bus.correctedError('n3')).toBeCloseTo(-50, 9);
  });

  it('with asymmetric delays every measured offset carries the bias (d_forward − d_back) / 2', () => {
    const bus = new Bus({ n1: 0, n2: 100 }, { algorithm: 'ntp' });
    bus.delay = (from) => (from === 'n1' ? 30 : 10); // n1→n2 slow, n2→n1 fast
    bus.start('n1');
    bus.run();
    const p = bus.nodes.get('n1')!.sync.peers.get('n2')!;
    expect(p.offsetMs).toBeCloseTo(100 + (30 - 10) / 2, 9);
    expect(p.delayMs).toBeCloseTo(40, 9);
  });

  it('a duplicated reply is used once; a reply to an abandoned round is ignored', () => {
    const a = createSyncState('a', { algorithm: 'ntp' });
    const [req] = startRound(a, 1_000, ['b']);
    const b = createSyncState('b', { algorithm: 'ntp' });
    const [reply] = onMessage(b, 'a', req.msg, 1_510);
    onMessage(a, 'b', reply.msg, 1_020);
    expect(a.note?.kind).toBe('ntpSample');
    expect(a.correctionMs).toBeCloseTo(500, 9);
    onMessage(a, 'b', reply.msg, 1_030); // network duplicate, later
    expect(a.note).toBeNull();
    expect(a.correctionMs).toBeCloseTo(500, 9);
    expect(a.rttMs).toBe(20);

    const [req2] = startRound(a, 3_000, ['b']);
    startRound(a, 5_000, ['b']); // round 2 never answered in time; round 3 now awaited
    const [late] = onMessage(b, 'a', req2.msg, 3_600);
    onMessage(a, 'b', late.msg, 5_100);
    expect(a.note).toBeNull();
    expect(a.correctionMs).toBeCloseTo(500, 9);
  });

  it('a reply sent before the client restarted is ignored even when the round id matches again', () => {
    const before = createSyncState('a', { algorithm: 'ntp' });
    const [req] = startRound(before, 1_000, ['b']);
    const [reply] = onMessage(createSyncState('b'), 'a', req.msg, 1_400);
    const after = createSyncState('a', { algorithm: 'ntp' }); // restart: volatile state is gone
    startRound(after, 1_005, ['b']); // round 1 again, different send time
    onMessage(after, 'b', reply.msg, 1_020);
    expect(after.note).toBeNull();
    expect(after.correctionMs).toBe(0);
  });

  it('a sample spanning a backward step of the client clock (negative delay) is discarded', () => {
    const a = createSyncState('a', { algorithm: 'ntp' });
    const [req] = startRound(a, 1_000, ['b']);
    const [reply] = onMessage(createSyncState('b'), 'a', req.msg, 1_010);
    onMessage(a, 'b', reply.msg, 900);
    expect(a.note).toBeNull();
    expect(a.rttMs).toBeUndefined();
  });

  it('samples slower than maxRttMs are discarded', () => {
    const bus = new Bus({ n1: 0, n2: 100 }, { algorithm: 'ntp', maxRttMs: 30 });
    bus.delay = () => 20;
    bus.start('n1');
    bus.run();
    expect(bus.nodes.get('n1')!.sync.correctionMs).toBe(0);
  });

  it('a lost reply leaves the old sample in place and the next round refreshes it', () => {
    const bus = new Bus({ n1: 0, n2: 100, n3: 300 }, { algorithm: 'ntp' });
    bus.start('n1');
    bus.run();
    expect(bus.nodes.get('n1')!.sync.correctionMs).toBeCloseTo(200, 9);
    bus.nodes.get('n3')!.clock.set({ stepMs: 100 }, bus.now); // n3 jumps forward
    bus.drop = (from) => from === 'n3';
    bus.advance(2_000);
    bus.start('n1');
    bus.run();
    expect(bus.nodes.get('n1')!.sync.correctionMs).toBeCloseTo(200, 9); // n3's old 300 still counted
    bus.drop = () => false;
    bus.advance(2_000);
    bus.start('n1');
    bus.run();
    expect(bus.nodes.get('n1')!.sync.correctionMs).toBeCloseTo(250, 9);
  });
});

describe("Cristian's algorithm", () => {
  it('with symmetric delays the corrected clock equals true time after one exchange', () => {
    const bus = new Bus({ n1: 180 }, { algorithm: 'cristian' });
    bus.delay = () => 12;
    expect(bus.correctedError('n1')).toBe(180);
    bus.start('n1');
    bus.run();
    const s = bus.nodes.get('n1')!.sync;
    expect(s.rttMs).toBeCloseTo(24, 9);
    expect(bus.correctedError('n1')).toBeCloseTo(0, 9);
    expect(estimatedOffsetMs(s)).toBeCloseTo(180, 9);
  });

  it('with asymmetric delays the corrected clock is off by (d_forward − d_back) / 2', () => {
    const bus = new Bus({ n1: -70 }, { algorithm: 'cristian' });
    bus.delay = (from) => (from === 'n1' ? 25 : 5);
    bus.start('n1');
    bus.run();
    expect(bus.correctedError('n1')).toBeCloseTo((25 - 5) / 2, 9);
  });

  it('between syncs drift moves the corrected clock by driftPpm·1e-6 per ms; the next sync removes it', () => {
    const bus = new Bus({ n1: 0 }, { algorithm: 'cristian' }, { n1: 100 });
    bus.start('n1');
    bus.run();
    const afterSync = bus.correctedError('n1');
    // The round trip itself is timed on the drifting clock: error ≈ driftPpm·1e-6 · rtt / 2 = 0.001 ms.
    expect(Math.abs(afterSync)).toBeLessThan(0.01);
    bus.advance(10_000);
    expect(bus.correctedError('n1') - afterSync).toBeCloseTo(1, 6);
    bus.start('n1');
    bus.run();
    expect(Math.abs(bus.correctedError('n1'))).toBeLessThan(0.01);
  });

  it('a step of the local clock shows in corrected time until the next sync', () => {
    const bus = new Bus({ n1: 40 }, { algorithm: 'cristian' });
    bus.start('n1');
    bus.run();
    bus.nodes.get('n1')!.clock.set({ stepMs: -500 }, bus.now);
    expect(bus.correctedError('n1')).toBeCloseTo(-500, 9);
    bus.advance(1_000);
    bus.start('n1');
    bus.run();
    expect(bus.correctedError('n1')).toBeCloseTo(0, 9);
  });

  it('ignores time replies from anyone but the time server, duplicates, and replies after a lost round', () => {
    const s = createSyncState('n1', { algorithm: 'cristian', timeServerId: SERVER });
    const [req] = startRound(s, 1_000, []);
    expect(req.to).toBe(SERVER);
    if (req.msg.type !== 'TimeRequest') throw new Error('expected a TimeRequest');
    const reply = timeServerReply(req.msg, 2_000);
    onMessage(s, 'n2', reply, 1_010);
    expect(s.note).toBeNull();
    onMessage(s, SERVER, reply, 1_010); // true time ≈ 2_000 + 10/2 when the clock reads 1_010
    expect(s.correctionMs).toBeCloseTo(995, 9);
    onMessage(s, SERVER, { ...reply, serverMs: 9_999 }, 1_020); // duplicate (tampered to show it is unused)
    expect(s.correctionMs).toBeCloseTo(995, 9);
    startRound(s, 3_000, []); // this round's request is lost
    const [next] = startRound(s, 5_000, []);
    if (next.msg.type !== 'TimeRequest') throw new Error('expected a TimeRequest');
    onMessage(s, SERVER, timeServerReply(next.msg, 6_000), 5_020);
    expect(s.correctionMs).toBeCloseTo(990, 9);
  });
});

describe("Berkeley's algorithm", () => {
  const members = ['n1', 'n2', 'n3', 'n4'];

  it('with symmetric delays every clock converges to the average, coordinator included', () => {
    const bus = new Bus({ n1: 0, n2: 90, n3: -30, n4: 300 }, { algorithm: 'berkeley' });
    bus.start('n1', members);
    bus.run();
    for (const id of members) expect(bus.correctedError(id)).toBeCloseTo(90, 9); // (0 + 90 − 30 + 300) / 4
    // The last reply closed the round, so that call's note describes it.
    expect(bus.nodes.get('n1')!.sync.note).toMatchObject({ kind: 'berkeleyRound', averageMs: 90, members: ['n2', 'n3', 'n4'] });
    expect(bus.nodes.get('n2')!.sync.rttMs).toBeUndefined(); // members measure no round trip
    expect(bus.nodes.get('n1')!.sync.rttMs).toBeCloseTo(20, 9);
  });

  it('leaves outliers out of the average but still brings them to it', () => {
    const bus = new Bus({ n1: 0, n2: 90, n3: -30, n4: 5_000 }, { algorithm: 'berkeley', outlierMs: 500 });
    bus.start('n1', members);
    bus.run();
    for (const id of members) expect(bus.correctedError(id)).toBeCloseTo(20, 9); // (0 + 90 − 30) / 3
  });

  it('converges to the same average whoever coordinates', () => {
    const bus = new Bus({ n1: 0, n2: 90, n3: -30, n4: 300 }, { algorithm: 'berkeley' });
    bus.start('n3', members);
    bus.run();
    for (const id of members) expect(bus.correctedError(id)).toBeCloseTo(90, 9);
  });

  it('sends each member its new correction and the adjustment from the one it reported', () => {
    const coord = createSyncState('c', { algorithm: 'berkeley' });
    const member = createSyncState('m', { algorithm: 'berkeley' });
    member.correctionMs = 7;
    const [poll] = startRound(coord, 1_000, ['m']);
    const [reply] = onMessage(member, 'c', poll.msg, 1_110); // member's raw clock 100 ms ahead, 10 ms each way
    const [adjust] = onMessage(coord, 'm', reply.msg, 1_020);
    // The member's CORRECTED clock is 100 + 7 = 107 ms ahead of the coordinator's (correction 0), so
    // the average is 107 / 2 = 53.5: the coordinator's correction becomes 53.5 and the member's
    // 53.5 − 100 = −46.5, a change of −46.5 − 7 = −53.5 from the correction it reported.
    expect(coord.note).toMatchObject({ kind: 'berkeleyRound', averageMs: 53.5, correctionMs: 53.5 });
    expect(coord.correctionMs).toBeCloseTo(53.5, 9);
    expect(adjust.msg).toMatchObject({ type: 'BerkeleyAdjust', correctionMs: -46.5, adjustMs: -53.5 });
    onMessage(member, 'c', adjust.msg, 1_130);
    expect(member.correctionMs).toBeCloseTo(-46.5, 9);
    expect(member.note).toMatchObject({ kind: 'berkeleyAdjust', from: 'c', adjustMs: -53.5 });
    // At one instant the member's raw clock reads 100 more than the coordinator's: both corrected clocks agree.
    expect(corrected(member, 1_200)).toBeCloseTo(corrected(coord, 1_100), 9);
  });

  it('averages the corrected clocks, so clocks that already agree are left where they are', () => {
    // Raw clocks 0, 90, −30, 300 but corrections that already bring every one to +40 (vs true time).
    const bus = new Bus({ n1: 0, n2: 90, n3: -30, n4: 300 }, { algorithm: 'berkeley' });
    const agreed = { n1: 40, n2: -50, n3: 70, n4: -260 };
    for (const [id, k] of Object.entries(agreed)) bus.nodes.get(id)!.sync.correctionMs = k;
    bus.start('n2', members);
    bus.run();
    expect(bus.nodes.get('n2')!.sync.note).toMatchObject({ kind: 'berkeleyRound', averageMs: 0 });
    for (const id of members) expect(bus.correctedError(id)).toBeCloseTo(40, 9); // not the raw mean 90
  });

  it('clocks in agreement stay in agreement whichever replies or adjustments are lost and whoever coordinates', () => {
    const bus = new Bus({ n1: 0, n2: 90, n3: -30, n4: 300 }, { algorithm: 'berkeley' });
    bus.start('n1', members);
    bus.run();
    for (const id of members) expect(bus.correctedError(id)).toBeCloseTo(90, 9);
    // n4 (the fastest raw clock) does not answer n3's round, and n2's adjustment is lost. Averaging the
    // RAW clocks of n3, n1, n2 would move them to (−30 + 0 + 90)/3 = 20; averaging their corrected
    // clocks (all at 90) moves nobody.
    bus.drop = (from, to, msg) => (from === 'n4' && msg.type === 'BerkeleyReply') || (to === 'n2' && msg.type === 'BerkeleyAdjust');
    bus.advance(2_000);
    bus.start('n3', members);
    bus.run();
    bus.send('n3', finishRound(bus.nodes.get('n3')!.sync, bus.local('n3')));
    bus.run();
    expect(bus.nodes.get('n3')!.sync.note).toMatchObject({ kind: 'berkeleyRound', members: ['n1', 'n2'], averageMs: 0 });
    for (const id of members) expect(bus.correctedError(id)).toBeCloseTo(90, 9);
  });

  it('a member with correction 0 (fresh or restarted) is counted at its raw clock: the agreed value moves by its gap / N', () => {
    const bus = new Bus({ n1: 0, n2: 90, n3: -30, n4: 300 }, { algorithm: 'berkeley' });
    bus.start('n1', members);
    bus.run(); // all at 90
    bus.nodes.get('n4')!.sync = createSyncState('n4', { algorithm: 'berkeley' }); // n4 restarts: correction 0, clock at +300
    bus.advance(2_000);
    bus.start('n1', members);
    bus.run();
    // (90 + 90 + 90 + 300) / 4 = 142.5: everyone meets there, not at the raw mean 90.
    for (const id of members) expect(bus.correctedError(id)).toBeCloseTo(142.5, 9);
  });

  it('a round whose counted members all apply their adjustment keeps the sum of the corrections', () => {
    // So the mean of the corrected clocks (M + mean correction) is what every clock meets at; it moves
    // only when a counted member misses its adjustment (or restarts, or is an adjusted outlier).
    const bus = new Bus({ n1: 0, n2: 90, n3: -30, n4: 300 }, { algorithm: 'berkeley' });
    bus.delay = (from, to) => 5 + ((from.charCodeAt(1) * 7 + to.charCodeAt(1) * 3) % 11); // asymmetric: samples are off
    const sum = (): number => members.reduce((a, id) => a + bus.nodes.get(id)!.sync.correctionMs, 0);
    for (const coordinator of ['n1', 'n3', 'n2', 'n4', 'n1']) {
      bus.start(coordinator, members);
      bus.run();
      expect(sum()).toBeCloseTo(0, 9);
      bus.advance(2_000);
    }
    // n2's clock steps 40 ms ahead, so this round wants to move it back; its adjustment is lost.
    bus.nodes.get('n2')!.clock.set({ stepMs: 40 }, bus.now);
    let missed = 0;
    bus.drop = (_from, to, msg) => {
      if (to !== 'n2' || msg.type !== 'BerkeleyAdjust') return false;
      missed = msg.adjustMs;
      return true;
    };
    bus.start('n1', members);
    bus.run();
    // Same links as the previous round, so the same sample errors: only the step moves anything. The
    // counted clocks meet 40/4 = 10 ms higher; n2 should have moved by 10 − 40 = −30 and did not.
    expect(missed).toBeCloseTo(-30, 9);
    expect(sum(), 'the sum is off by the adjustment n2 missed').toBeCloseTo(-missed, 9);
  });

  it('a duplicated or stale adjustment is not applied', () => {
    const coord = createSyncState('c', { algorithm: 'berkeley' });
    const member = createSyncState('m', { algorithm: 'berkeley' });
    const [poll1] = startRound(coord, 1_000, ['m']);
    const [reply1] = onMessage(member, 'c', poll1.msg, 1_210);
    const [adjust1] = onMessage(coord, 'm', reply1.msg, 1_020);
    onMessage(member, 'c', adjust1.msg, 1_230);
    const applied = member.correctionMs;
    member.correctionMs = 0;
    onMessage(member, 'c', adjust1.msg, 1_240); // duplicate
    expect(member.correctionMs).toBe(0);

    const [poll2] = startRound(coord, 3_000, ['m']);
    onMessage(member, 'c', poll2.msg, 3_210); // member has answered round 2 now
    onMessage(member, 'c', adjust1.msg, 3_220); // a very late copy of round 1's adjustment
    expect(member.correctionMs).toBe(0);
    expect(applied).toBeCloseTo(-100, 9);
  });

  it('a member that does not answer is left out; finishRound closes the round and its late reply is ignored', () => {
    const bus = new Bus({ n1: 0, n2: 60, n3: 1_000 }, { algorithm: 'berkeley' });
    bus.drop = (from, to, msg) => from === 'n3' && msg.type === 'BerkeleyReply';
    bus.start('n1', ['n1', 'n2', 'n3']);
    bus.run();
    const coord = bus.nodes.get('n1')!.sync;
    expect(coord.berkeleyOpen).toBe(true);
    bus.send('n1', finishRound(coord, bus.local('n1')));
    expect(coord.note).toMatchObject({ kind: 'berkeleyRound', members: ['n2'] });
    bus.run();
    expect(bus.correctedError('n1')).toBeCloseTo(30, 9);
    expect(bus.correctedError('n2')).toBeCloseTo(30, 9);
    expect(bus.correctedError('n3')).toBe(1_000); // got nothing

    // n3's reply turns up after the round closed: not counted.
    const before = coord.correctionMs;
    const lateReply: SyncMessage = { type: 'BerkeleyReply', round: coord.round, sentMs: coord.peers.get('n3')!.sentMs, clockMs: 0, correctionMs: 0 };
    expect(onMessage(coord, 'n3', lateReply, bus.local('n1'))).toHaveLength(0);
    expect(coord.correctionMs).toBe(before);
  });

  it('a round still open when the next starts is closed first with the replies it has', () => {
    const coord = createSyncState('c', { algorithm: 'berkeley' });
    const m1 = createSyncState('m1', { algorithm: 'berkeley' });
    const polls = startRound(coord, 1_000, ['m1', 'm2']);
    const [reply] = onMessage(m1, 'c', polls[0].msg, 1_050);
    onMessage(coord, 'm1', reply.msg, 1_020);
    const out = startRound(coord, 3_000, ['m1', 'm2']);
    expect(out.map((s) => s.msg.type)).toEqual(['BerkeleyAdjust', 'BerkeleyPoll', 'BerkeleyPoll']);
    expect(coord.note?.kind).toBe('berkeleyRound');
    expect(coord.round).toBe(2);
  });

  it('a coordinator whose polls all go unanswered keeps its correction', () => {
    const coord = createSyncState('c', { algorithm: 'berkeley' });
    coord.correctionMs = 12;
    startRound(coord, 0, ['m1']);
    finishRound(coord, 500);
    expect(coord.correctionMs).toBe(12);
  });
});

describe('sync plumbing', () => {
  it('recognises sync messages by type', () => {
    expect(isSyncMessage({ type: 'SyncRequest' })).toBe(true);
    expect(isSyncMessage({ type: 'BerkeleyAdjust' })).toBe(true);
    expect(isSyncMessage({ type: 'AppendEntries' })).toBe(false);
  });

  it("'off' sends nothing but still answers peers' requests", () => {
    const s = createSyncState('a', { algorithm: 'off' });
    expect(startRound(s, 0, ['b'])).toHaveLength(0);
    expect(onMessage(s, 'b', { type: 'SyncRequest', round: 1, t1: 5 }, 9)).toHaveLength(1);
  });
});
