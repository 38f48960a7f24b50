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

  it('the publish handle is live, and shows as JSON the fields it has (as the object literal it once was did)', () => {
    const c = createCluster({ seed: 1, nodes: 1 });
    c.runUntil(() => c.leader() === 'n1', 1000);
    const p = c.publish('t', 'hello');
    const started = c.now;
    expect(JSON.parse(JSON.stringify(p))).toEqual({ id: 'pub:1', status: 'pending', startedAt: started, attempts: 1 });
    c.runUntil(() => p.status !== 'pending', 12_000);
    expect(JSON.stringify(p)).toBe(`{"id":"pub:1","status":"ok","offset":1,"startedAt":${started},"doneAt":${p.doneAt},"attempts":1}`);
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

/** The lines of one client's log, as text. */
const logLines = (c: ReturnType<typeof createCluster>, client: string): string[] => c.clientLog(client).map((l) => l.line);

describe('finding 7: a client speaks to a node as over one TCP connection', () => {
  it('a PUB without --id that the network duplicates is stored once (at most once), on every seed', () => {
    for (let seed = 1; seed <= 10; seed++) {
      withSeed(seed, () => {
        const c = createCluster({ seed, nodes: 3 });
        c.runUntil(() => c.leader() !== undefined, 3000);
        const leader = c.leader()!;
        c.setNetwork({ duplicateRate: 1, reorderRate: 0.5 });
        const handles = [0, 1, 2, 3, 4].map((i) => c.command(leader, `PUB t no id ${i}`));
        expect(c.runUntil(() => handles.every((h) => h.done), 6000), at(c, 'answered')).toBe(true);
        c.runFor(500);
        expect(c.history(leader, 't').map((r) => r.message), at(c, 'each once, in the order sent')).toEqual([0, 1, 2, 3, 4].map((i) => `no id ${i}`));
      });
    }
  });

  it('two PUBs sent back to back are stored in the order they were sent, whatever the network reorders (before: reversed in 24 of these 50 seeds)', () => {
    const reversed: number[] = [];
    for (let seed = 1; seed <= 50; seed++) {
      const c = createCluster({ seed, nodes: 3, network: { reorderRate: 0.5, reorderDelayMs: [10, 50] } });
      c.runUntil(() => c.leader() !== undefined, 3000);
      const leader = c.leader()!;
      const a = c.command(leader, 'PUB t --id a first');
      const b = c.command(leader, 'PUB t --id b second');
      c.runUntil(() => a.done && b.done, 6000);
      if (c.history(leader, 't').map((r) => r.id).join() !== 'a,b') reversed.push(seed);
    }
    expect(reversed).toEqual([]);
  });

  it('SUB then QUIT sent back to back leave no subscription behind (before: alive in 19 of these 40 seeds), and QUIT closes the connection', () => {
    const alive: number[] = [];
    for (let seed = 1; seed <= 40; seed++) {
      const c = createCluster({ seed, nodes: 3, network: { reorderRate: 0.5, reorderDelayMs: [10, 50] } });
      c.runUntil(() => c.leader() !== undefined, 3000);
      const sub = c.command('n2', 'SUB t', { client: 'reader' });
      const quit = c.command('n2', 'QUIT', { client: 'reader' });
      c.runUntil(() => sub.done && quit.done, 6000);
      expect(sub.lines, `seed ${seed}`).toEqual(['OK subscribed t']);
      expect(quit.lines, `seed ${seed}`).toEqual(['OK bye']);
      const p = c.publish('t', 'after quit');
      c.runUntil(() => p.status !== 'pending', 12_000);
      c.runFor(1000);
      if (c.received('reader').length > 0) alive.push(seed);
      expect(logLines(c, 'reader'), `seed ${seed}`).toContain('(connection closed: n2 closed it after QUIT)');
    }
    expect(alive).toEqual([]);
  });

  it('replies come back in the order of the lines, even when a PUB waits for its commit', () => {
    const c = createCluster({ seed: 7, nodes: 5, network: { reorderRate: 0.5 } });
    c.runUntil(() => c.leader() !== undefined, 3000);
    const follower = c.nodeIds.find((id) => id !== c.leader())!;
    c.runFor(200);
    const lines = ['PUB t --id x one', 'PING', 'HISTORY t 5', 'SUB t', 'PING'];
    const hs = lines.map((l) => c.command(follower, l));
    c.runUntil(() => hs.every((h) => h.done), 6000);
    // HISTORY is read when it arrives (the PUB may not be applied here yet); its answer still waits its turn.
    const answers = c.clientLog('console').filter((l) => l.dir === 'in' && !l.line.startsWith('MSG ') && !l.line.startsWith('HISTORY '));
    expect(answers.map((l) => l.line)).toEqual(['OK REDIRECTED x', 'PONG', 'OK history_end', 'OK subscribed t', 'PONG']);
    expect(hs.map((h) => h.lines.at(-1))).toEqual(['OK REDIRECTED x', 'PONG', 'OK history_end', 'OK subscribed t', 'PONG']);
  });

  it('a crash closes the connection at once: the client log says so, an unanswered line fails now (not after 5 s), and the subscription ends', () => {
    const c = createCluster({ seed: 8, nodes: 3 });
    c.runUntil(() => c.leader() !== undefined, 3000);
    const f = c.nodeIds.find((id) => id !== c.leader())!;
    const sub = c.command(f, 'SUB t', { client: 'reader' });
    c.runUntil(() => sub.done, 1000);
    const p1 = c.publish('t', 'before');
    c.runUntil(() => p1.status === 'ok' && c.received('reader').length === 1, 3000);
    const pending = c.command(f, 'PUB t --id during waiting for commit', { client: 'reader' });
    c.crash(f);
    expect(pending.done, 'told at the crash').toBe(true);
    expect(pending.lines).toEqual(['ERR unavailable']);
    expect(logLines(c, 'reader').slice(-3)).toEqual([`(connection closed: ${f} crashed)`, 'ERR unavailable', '(subscription to t ended with the connection)']);
    c.restart(f);
    c.runFor(1000);
    const p2 = c.publish('t', 'after');
    c.runUntil(() => p2.status === 'ok', 12_000);
    c.runFor(1000);
    expect(c.received('reader').map((m) => m.line.split(' ').at(-1))).toEqual(['before']);
    c.checkMessaging();
  });

  it('a disconnect closes the node\'s client connections too; a partition does not (clients sit outside every group)', () => {
    const c = createCluster({ seed: 9, nodes: 5 });
    c.runUntil(() => c.leader() !== undefined, 3000);
    const [a, b] = c.nodeIds.filter((id) => id !== c.leader());
    for (const [node, client] of [[a, 'ra'], [b, 'rb']]) {
      const h = c.command(node, 'SUB t', { client });
      c.runUntil(() => h.done, 1000);
    }
    c.disconnect(a);
    c.partition([[b]]);
    expect(logLines(c, 'ra')).toContain(`(connection closed: ${a} was disconnected)`);
    expect(logLines(c, 'rb').some((l) => l.startsWith('(connection closed'))).toBe(false);
    c.heal();
    c.runFor(1000);
    const p = c.publish('t', 'later');
    c.runUntil(() => p.status === 'ok', 12_000);
    c.runFor(1000);
    expect(c.received('ra')).toHaveLength(0);
    expect(c.received('rb')).toHaveLength(1);
  });

  it('under 30 % loss every console line gets its own reply, in order, once: lost segments are resent', () => {
    const c = createCluster({ seed: 10, nodes: 3 });
    c.runUntil(() => c.leader() !== undefined, 3000);
    c.setNetwork({ dropRate: 0.3, duplicateRate: 0.2, reorderRate: 0.3 });
    const hs = Array.from({ length: 20 }, (_, i) => c.command('n1', i % 2 === 0 ? 'PING' : `HISTORY none ${i}`));
    expect(c.runUntil(() => hs.every((h) => h.done), 30_000), at(c, 'all answered')).toBe(true);
    expect(hs.map((h) => h.lines[0])).toEqual(hs.map((_, i) => (i % 2 === 0 ? 'PONG' : 'OK history_end')));
    expect(c.sentCount('ClientRequest')).toBeGreaterThan(20); // some were resent
  });

  it('resetConnection breaks one connection: both ends know at once, and the next line opens a new one', () => {
    const c = createCluster({ seed: 11, nodes: 3 });
    c.runUntil(() => c.leader() !== undefined, 3000);
    const h = c.command('n1', 'SUB t', { client: 'r' });
    c.runUntil(() => h.done, 1000);
    expect(c.resetConnection('r', 'n1')).toBe(true);
    expect(c.resetConnection('r', 'n1')).toBe(false);
    expect(logLines(c, 'r').slice(-2)).toEqual(['(connection closed: the connection was reset)', '(subscription to t ended with the connection)']);
    const ping = c.command('n1', 'PING', { client: 'r' });
    c.runUntil(() => ping.done, 1000);
    expect(ping.lines).toEqual(['PONG']);
  });
});

describe('finding 8: SUB at a node that has just restarted', () => {
  it('delivers only records applied after it, not the topic the node re-applies from its own log', () => {
    withSeed(81, () => {
      const c = createCluster({ seed: 81, nodes: 3 });
      c.runUntil(() => c.leader() !== undefined, 3000);
      const f = c.nodeIds.find((id) => id !== c.leader())!;
      for (const m of ['one', 'two', 'three']) {
        const p = c.publish('t', m);
        c.runUntil(() => p.status === 'ok', 12_000);
      }
      c.runUntil(() => c.history(f, 't').length === 3, 2000);
      c.crash(f);
      c.restart(f);
      const sub = c.command(f, 'SUB t', { client: 'reader' });
      c.runUntil(() => sub.done, 1000);
      expect(sub.lines).toEqual(['OK subscribed t']);
      c.runUntil(() => c.history(f, 't').length === 3, 3000);
      c.runFor(500);
      expect(c.received('reader'), at(c, 'nothing replayed')).toEqual([]);
      const p = c.publish('t', 'four');
      c.runUntil(() => p.status === 'ok', 12_000);
      c.runFor(500);
      expect(c.received('reader').map((m) => m.offset)).toEqual([4]);
    });
  });
});

describe('finding 9: client memory stays bounded, and what is cut is said', () => {
  it('a publisher at 20 % loss for ten simulated minutes keeps only its unanswered requests and live timers', () => {
    const c = createCluster({ seed: 91, nodes: 3, network: { dropRate: 0.2 }, broker: { dedupWindow: 1000 } });
    c.runUntil(() => c.leader() !== undefined, 3000);
    let maxPending = 0;
    let maxTimers = 0;
    for (let i = 0; i < 6000; i++) {
      c.publish('t', `m${i}`);
      c.runFor(100);
      const pub = c.client('pub');
      maxPending = Math.max(maxPending, pub.pendingCount());
      maxTimers = Math.max(maxTimers, pub.timerCount());
    }
    c.runFor(15_000);
    const pub = c.client('pub');
    // At 10 publishes/s, each settled within its 10 s: a few hundred at most, never growing with the run.
    expect(maxPending).toBeLessThan(300);
    expect(maxTimers).toBeLessThan(300);
    expect(pub.pendingCount()).toBe(0);
    expect(pub.timerCount()).toBeLessThanOrEqual(3); // one per open connection
  });

  it('console lines that were answered (or timed out) leave no timer behind', () => {
    const c = createCluster({ seed: 92, nodes: 3 });
    c.runUntil(() => c.leader() !== undefined, 3000);
    for (let i = 0; i < 200; i++) c.command(c.nodeIds[i % 3], 'PING');
    c.disconnect('n3');
    for (let i = 0; i < 10; i++) c.command('n3', 'PING');
    c.runFor(6000);
    expect(c.client('console').timerCount()).toBeLessThanOrEqual(3);
  });

  it('a long transcript is cut in chunks, and its first line says how many lines went; received() cuts are counted', () => {
    const c = createCluster({ seed: 93, nodes: 1 });
    c.runUntil(() => c.leader() !== undefined, 1000);
    for (let i = 0; i < 3000; i++) {
      c.command('n1', 'PING');
      c.runFor(1);
    }
    c.runFor(100);
    const log = c.clientLog('console');
    expect(log.length).toBeLessThanOrEqual(4000);
    expect(log[0].dir).toBe('note');
    const cut = c.truncated('console').log;
    expect(cut).toBeGreaterThan(0);
    expect(log[0].line).toMatch(new RegExp(`^\\(${cut} earlier lines not kept, up to t=\\d+ms: the log keeps the latest 2000\\)$`));
    expect(cut + log.length - 1).toBe(6000);
    expect(c.truncated('console').received).toBe(0);
    expect(c.truncated('nobody')).toEqual({ log: 0, received: 0 });
  });

  it('keepClientLines: the named clients keep only their latest lines; others keep LOG_LIMIT', () => {
    const c = createCluster({ seed: 94, nodes: 1 });
    c.keepClientLines(['p1'], 5);
    expect(() => c.keepClientLines(['p2'], 0)).toThrow(RangeError);
    c.runUntil(() => c.leader() !== undefined, 1000);
    for (let i = 0; i < 40; i++) {
      c.publish('t', `m${i}`, { client: 'p1' });
      c.publish('t', `n${i}`, { client: 'p2' });
      c.runFor(20);
    }
    c.runFor(500);
    const short = c.clientLog('p1');
    expect(short.length).toBeLessThanOrEqual(11);
    const cut = c.truncated('p1').log;
    expect(short[0].line).toMatch(new RegExp(`^\\(${cut} earlier lines not kept, up to t=\\d+ms: the log keeps the latest 5\\)$`));
    expect(cut + short.length - 1).toBe(c.clientLog('p2').length);
    expect(c.truncated('p2').log).toBe(0);
  });
});

describe('the console sends each line once (the Client tab says so; only publishers retry)', () => {
  it('a PUB typed at a node that knows no leader gets ERR not_leader and is not sent again; publish() retries until acked', () => {
    const c = createCluster({ seed: 5, nodes: 3 });
    const h = c.command('n1', 'PUB t hello', { client: 'console' });
    c.runUntil(() => h.done, 1000);
    expect(h.lines).toEqual(['ERR not_leader']);
    c.runFor(3000); // a leader is elected meanwhile: a retrying client would now succeed
    expect(c.leader()).toBeDefined();
    expect(c.clientLog('console').filter((l) => l.dir === 'out').map((l) => l.line)).toEqual(['PUB t hello']);
    expect(c.history(c.leader()!, 't')).toEqual([]);
    const p = c.publish('t', 'again', { client: 'p1' });
    c.runUntil(() => p.status !== 'pending', 12_000);
    expect(p.status).toBe('ok');
  });
});
