// Issue 10, finding 6: a retry stored again after its id left the dedup window is the documented consequence of the window (a finding), not a broken safety property; dedup 'sessions' (Raft §8) never stores a retry twice.
import { describe, expect, it } from 'vitest';
import { CheckerViolation, createCluster, type ClusterOptions, type Publish, type SimCluster } from '../../src/sim/index';
import { MessagingChecker, hash } from '../../src/sim/checkers/messaging';
import { parseScenario, runScenario, toScenario } from '../../src/sim/scenario';
import { at, canonical, withSeed } from './helpers';

const WINDOW_FINDING = 'Id stored again after it left the dedup window';

function ask(c: SimCluster, node: string, line: string): readonly string[] {
  const h = c.command(node, line);
  c.runUntil(() => h.done, 6000);
  return h.lines;
}

/** 10 publishes a second for `seconds` at 20 % loss: the publisher retries a lot. */
function lossyPublishing(options: ClusterOptions, seconds: number): { c: SimCluster; handles: Publish[] } {
  const c = createCluster({ nodes: 5, network: { dropRate: 0.2 }, ...options });
  const handles: Publish[] = [];
  for (let i = 0; i < seconds * 10; i++) {
    handles.push(c.publish('t', `m${i}`));
    c.runFor(100);
  }
  c.setNetwork({ dropRate: 0 });
  c.runUntil(() => handles.every((h) => h.status !== 'pending'), 15_000);
  c.runFor(1000);
  return { c, handles };
}

describe('finding 6: the dedup window', () => {
  it('with default settings (checkers throw), an id repeated 100 newer records later is stored again and reported as a finding of the window, not a violation', () => {
    withSeed(61, () => {
      const c = createCluster({ seed: 61, nodes: 3 });
      c.runUntil(() => c.leader() !== undefined, 3000);
      const leader = c.leader()!;
      expect(ask(c, leader, 'PUB t --id X first')).toEqual(['OK published X']);
      for (let i = 1; i <= 99; i++) ask(c, leader, `PUB t --id o${i} other`);
      expect(ask(c, leader, 'PUB t --id X first'), at(c, '99 newer: still in the window')).toEqual(['OK duplicate X']);
      ask(c, leader, 'PUB t --id o100 other');
      expect(ask(c, leader, 'PUB t --id X first'), at(c, '100 newer: out of the window')).toEqual(['OK published X']);
      c.runFor(500);
      expect(c.violations()).toEqual([]);
      const f = c.findings();
      expect(f.map((x) => x.property)).toEqual([WINDOW_FINDING]);
      expect(f[0].message).toMatch(/id X stored again in topic t at offset 102: its first copy \(offset 1\) was 101 records back, beyond the dedup window of 100 ids per topic/);
      expect(f[0].seed).toBe(61);
      expect(c.journal().filter((e) => e.kind === 'finding').map((e) => e.type)).toEqual([WINDOW_FINDING]);
    });
  });

  it('10 publishes/s at 20 % loss with a window of 10 ids: retries stored twice are findings (the run used to stop with a CheckerViolation)', () => {
    withSeed(1, () => {
      let result: { c: SimCluster; handles: Publish[] } | undefined;
      expect(() => (result = lossyPublishing({ seed: 1, broker: { dedupWindow: 10 } }, 20))).not.toThrow(CheckerViolation);
      const { c } = result!;
      expect(c.violations()).toEqual([]);
      const findings = c.findings();
      expect(findings.length, at(c, 'some retries came back after 10 newer records')).toBeGreaterThan(0);
      for (const f of findings) expect(f.message).toMatch(/beyond the dedup window of 10 ids per topic/);
      const ids = c.history('n1', 't').map((r) => r.id);
      expect(ids.length - new Set(ids).size, at(c, 'one finding per extra copy')).toBe(findings.length);
    });
  });

  it('a second copy within the window is still a broken safety property (a dedup bug), and with dedup off any second copy is', () => {
    const report: string[] = [];
    const windowed = new MessagingChecker((property) => report.push(property), () => 0, { window: 100, mode: 'window' });
    windowed.onPublished('t', 'X', 'm');
    windowed.stored('n1', 't', { id: 'X', offset: 1, ts: 0, correctedTs: 0, lamport: 1, message: 'm' });
    windowed.stored('n1', 't', { id: 'X', offset: 50, ts: 0, correctedTs: 0, lamport: 2, message: 'm' });
    expect(report).toEqual(['No duplicate id in a topic']);
    const off: string[] = [];
    const none = new MessagingChecker((property) => off.push(property), () => 0, { window: 0, mode: 'off' });
    none.onPublished('t', 'X', 'm');
    none.stored('n1', 't', { id: 'X', offset: 1, ts: 0, correctedTs: 0, lamport: 1, message: 'm' });
    none.stored('n1', 't', { id: 'X', offset: 500, ts: 0, correctedTs: 0, lamport: 2, message: 'm' });
    expect(off).toEqual(['No duplicate id in a topic']);
  });

  it('No phantom reads: a record no client published is reported; a retry stored again is not', () => {
    const report: string[] = [];
    const findings: string[] = [];
    const m = new MessagingChecker((property) => report.push(property), () => 0, { window: 10, mode: 'window' }, (property) => findings.push(property));
    const rec = (id: string, offset: number, message: string) => ({ id, offset, ts: 0, correctedTs: 0, lamport: offset, message });
    m.onPublished('t', 'X', 'm');
    m.onPublished('t', 'Z', 'z');
    m.onPublished('t', 'Z', 'z'); // a retry: stored once below
    m.stored('n1', 't', rec('X', 1, 'm'));
    m.stored('n2', 't', rec('X', 1, 'm'));
    m.stored('n1', 't', rec('Z', 2, 'z'));
    expect(report).toEqual([]);
    m.stored('n1', 't', rec('Y', 3, 'never sent'));
    expect(report).toEqual(['No phantom reads']);
    // X's retry stored again past the window: a finding, not a phantom.
    m.stored('n1', 't', rec('X', 40, 'm'));
    expect(report).toEqual(['No phantom reads']);
    expect(findings).toHaveLength(1);
    // X again with a message nobody sent under that id: a phantom.
    m.stored('n1', 't', rec('X', 80, 'forged'));
    expect(report).toEqual(['No phantom reads', 'No phantom reads']);
  });

  it('ids whose hashes collide are still told apart: a second copy of either is caught', () => {
    // Two ids of one topic with the same 30-bit hash (found by search; about 40,000 tries).
    const seen = new Map<number, string>();
    let pair: [string, string] | undefined;
    for (let i = 0; pair === undefined && i < 1_000_000; i++) {
      const id = `c${i}`;
      const h = hash('t', id);
      const other = seen.get(h);
      if (other !== undefined) pair = [other, id];
      else seen.set(h, id);
    }
    expect(pair).toBeDefined();
    const [a, b] = pair!;
    for (const dup of [a, b]) {
      const report: string[] = [];
      const m = new MessagingChecker((property) => report.push(property), () => 0, { window: 100, mode: 'window' });
      const rec = (id: string, offset: number) => ({ id, offset, ts: 0, correctedTs: 0, lamport: offset, message: 'm' });
      m.onPublished('t', a, 'm');
      m.onPublished('t', b, 'm');
      m.stored('n1', 't', rec(a, 1));
      m.stored('n1', 't', rec(b, 2));
      expect(report, `${a} and ${b} are different ids`).toEqual([]);
      m.stored('n1', 't', rec(dup, 3));
      expect(report, `second copy of ${dup}`).toEqual(['No duplicate id in a topic']);
    }
  });

  it('the scenario language can expect a finding (and no finding)', () => {
    const r = runScenario(`dedup-window 2
nodes 3
run until leader within 2s
cmd leader PUB t --id a one
cmd leader PUB t --id b two
cmd leader PUB t --id c three
expect no finding
cmd leader PUB t --id a one
run 100ms
expect finding "${WINDOW_FINDING}"
expect no violation
`);
    expect(r.failure?.message).toBeUndefined();
  });
});

describe("finding 6: dedup 'sessions' (Raft §8: a session per client, its last sequence numbers and replies)", () => {
  it('the same lossy run that stores retries twice with a window of 10 stores every publish once with sessions', () => {
    withSeed(1, () => {
      const { c, handles } = lossyPublishing({ seed: 1, broker: { dedupWindow: 10, dedup: 'sessions' } }, 20);
      expect(c.findings()).toEqual([]);
      expect(c.violations()).toEqual([]);
      const ids = c.history('n1', 't').map((r) => r.id);
      expect(new Set(ids).size, at(c, 'no id twice')).toBe(ids.length);
      for (const h of handles.filter((x) => x.status === 'ok')) expect(ids[h.offset! - 1], h.id).toBe(h.id);
      c.checkMessaging();
    });
  });

  it('a session is replicated state: with no id window at all, a retry after the leader crashed is answered OK duplicate by the new leader', () => {
    for (let seed = 62; seed < 67; seed++) {
      withSeed(seed, () => {
        const c = createCluster({ seed, nodes: 3, broker: { dedup: 'sessions', dedupWindow: 0 } });
        c.runUntil(() => c.leader() !== undefined, 3000);
        const leader = c.leader()!;
        const p = c.publish('t', 'one', { via: leader });
        // Stored on the leader (so committed), the reply not yet back: the leader crashes.
        expect(c.runUntil(() => c.history(leader, 't').length === 1, 2000)).toBe(true);
        expect(p.status).toBe('pending');
        c.crash(leader);
        expect(c.runUntil(() => p.status !== 'pending', 12_000)).toBe(true);
        expect(p.status).toBe('ok');
        expect(p.offset, at(c, 'the original offset')).toBe(1);
        expect(c.clientLog('pub').map((l) => l.line)).toContain('OK duplicate pub:1');
        c.restart(leader);
        c.runFor(1500);
        for (const id of c.nodeIds) expect(c.history(id, 't').map((r) => r.message), id).toEqual(['one']);
      });
    }
  });

  it('console lines carry no session: with sessions on they are still deduplicated by the window', () => {
    const c = createCluster({ seed: 63, nodes: 3, broker: { dedup: 'sessions' } });
    c.runUntil(() => c.leader() !== undefined, 3000);
    const leader = c.leader()!;
    expect(ask(c, leader, 'PUB t --id a x')).toEqual(['OK published a']);
    expect(ask(c, leader, 'PUB t --id a x')).toEqual(['OK duplicate a']);
  });

  it("'dedup sessions' is a scenario header that round-trips, and the options schema accepts it", () => {
    const s = parseScenario('dedup sessions\nrun 10ms');
    expect(s.options).toEqual({ broker: { dedup: 'sessions' } });
    const c = createCluster({ seed: 64, nodes: 3, broker: { dedup: 'sessions' } });
    c.runFor(500);
    c.publish('t', 'm');
    c.runFor(500);
    const r = runScenario(toScenario(c.options, c.actions(), { at: c.now, events: c.eventCount }));
    expect(canonical(r.runner.cluster.journal())).toBe(canonical(c.journal()));
    expect(() => createCluster({ broker: { dedup: 'session' as 'sessions' } })).toThrow(/^broker\.dedup must be true, false, 'window' or 'sessions'/);
  });
});

describe('the finding’s name', () => {
  it('says what the checker knows (an id stored again, whoever sent it) and suggests only what keeps it; lessons naming it by its old name still work', () => {
    const text = 'seed 8\nnodes 3\ndedup-window 2\nrun until leader within 3s\ncmd leader PUB orders --id a first\ncmd leader PUB orders --id b second\ncmd leader PUB orders --id c third\ncmd leader PUB orders --id a first\nrun until history all orders count 4 within 1s\n';
    for (const name of [WINDOW_FINDING, 'Retry stored again after its id left the dedup window']) {
      const r = runScenario(`${text}expect finding "${name}"\nexpect not no finding "${name}"\n`);
      expect(r.failure?.message, name).toBeUndefined();
      const [f] = r.runner.cluster.findings();
      expect(f.message).toMatch(/beyond the dedup window of 2 ids per topic \(a longer window keeps it\)$/);
      r.runner.dispose();
    }
  });
});
