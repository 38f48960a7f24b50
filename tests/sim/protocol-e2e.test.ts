// The Wiber line protocol end to end: every command, reply and error of the spec typed at a node with
// Cluster.command(), on the leader and on a follower, with the node up and down. Every checker is on
// (throw mode), and every failure message names the seed.
import { describe, expect, it } from 'vitest';
import { MAX_ID_LENGTH, MAX_LINE_LENGTH, MAX_TOPIC_LENGTH } from '../../src/core/broker/protocol';
import { createCluster, type SimCluster, type TopicRecord } from '../../src/sim/index';
import { at, run, stable, until, withSeed } from './helpers';

// ---- helpers -----------------------------------------------------------------------------------


/** Types `line` at `node` as `client` and waits for the reply (the console gives up after 5 s). */
function ask(c: SimCluster, node: string, line: string, client = 'console'): string[] {
  const h = c.command(node, line, { client });
  const done = until(c, () => h.done, 6000);
  expect(done, at(c, `no reply to ${JSON.stringify(line.slice(0, 60))} at ${node}`)).toBe(true);
  return [...h.lines];
}


/** A record as the spec prints it: timestamps in whole ms, the message verbatim. */
const recordLine = (kind: 'HISTORY' | 'MSG', topic: string, r: TopicRecord): string =>
  `${kind} ${topic} ${r.id} ${r.offset} ${Math.round(r.ts)} ${Math.round(r.correctedTs)} ${r.lamport} ${r.message}`;

/** Waits until `leader` has committed its whole log and every up node has applied all of it. */
function caughtUp(c: SimCluster, leader: string): void {
  const ok = until(c, () => {
    const target = c.node(leader).log.length;
    return c.node(leader).commitIndex === target && c.nodeIds.every((id) => !c.node(id).up || c.node(id).lastApplied >= target);
  }, 3000);
  expect(ok, at(c, `nodes did not apply ${leader}'s log`)).toBe(true);
}

/** Everything a bad line must not change: every node's topics, histories and log. */
function snapshot(c: SimCluster): string {
  return JSON.stringify(
    c.nodeIds.map((id) => ({
      id,
      topics: c.topics(id),
      histories: c.topics(id).map((t) => c.history(id, t)),
      log: c.node(id).log.map((e) => [e.index, e.term, e.command]),
    })),
  );
}

const USAGE_PUB = 'ERR usage: PUB <topic> <message> | PUB <topic> --id <id> <message>';
const USAGE_HISTORY = 'ERR usage: HISTORY <topic> <n>';
const SERVER_ID = /^(n\d+)-(\d+)-(\d+)$/;

const ROLES = ['leader', 'follower'] as const;
const nodeFor = (role: (typeof ROLES)[number], s: { leader: string; followers: string[] }): string =>
  role === 'leader' ? s.leader : s.followers[0];

// ---- PING / QUIT --------------------------------------------------------------------------------

describe('PING and QUIT', () => {
  for (const role of ROLES) {
    it(`on the ${role}: PING answers PONG and QUIT answers OK bye, both case-insensitive with spaces and a line terminator allowed`, () => {
      withSeed(11, () => {
        const s = stable(11);
        const { c } = s;
        const node = nodeFor(role, s);
        for (const line of ['PING', 'ping', 'PiNg', '  PING  ', 'PING\n', 'PING\r\n']) {
          expect(ask(c, node, line), at(c, `${role} ${JSON.stringify(line)}`)).toEqual(['PONG']);
        }
        for (const line of ['QUIT', 'quit', 'Quit ', 'QUIT\r\n']) {
          expect(ask(c, node, line), at(c, `${role} ${JSON.stringify(line)}`)).toEqual(['OK bye']);
        }
        // Anything more on the line is not PING or QUIT.
        for (const line of ['PING me', 'QUIT now', 'PINGPONG']) {
          expect(ask(c, node, line), at(c, `${role} ${JSON.stringify(line)}`)).toEqual(['ERR unknown']);
        }
      });
    });
  }
});

// ---- PUB ----------------------------------------------------------------------------------------

describe('PUB', () => {
  it('on the leader: without --id the server makes the id <leader>-<term>-<seq> and answers OK published <id>; the record is stored under it at offset 1', () => {
    withSeed(12, () => {
      const { c, leader } = stable(12);
      const [reply] = ask(c, leader, 'PUB orders first order');
      const m = /^OK published (\S+)$/.exec(reply);
      expect(m, at(c, `reply ${reply}`)).not.toBeNull();
      const id = m![1];
      const parts = SERVER_ID.exec(id);
      expect(parts, at(c, `server id ${id}`)).not.toBeNull();
      expect(parts![1], at(c, 'id names the node')).toBe(leader);
      expect(Number(parts![2]), at(c, 'id names the term')).toBe(c.node(leader).term);
      caughtUp(c, leader);
      for (const n of c.nodeIds) {
        expect(c.history(n, 'orders'), at(c, `${n} history`)).toMatchObject([{ id, offset: 1, message: 'first order' }]);
      }
    });
  });

  it('on a follower: without --id the follower makes the id, forwards to the leader and answers OK REDIRECTED <id>', () => {
    withSeed(13, () => {
      const { c, leader, followers } = stable(13);
      const f = followers[0];
      const [reply] = ask(c, f, 'PUB orders via a follower');
      const m = /^OK REDIRECTED (\S+)$/.exec(reply);
      expect(m, at(c, `reply ${reply}`)).not.toBeNull();
      expect(SERVER_ID.exec(m![1])?.[1], at(c, `id ${m![1]} names the follower`)).toBe(f);
      caughtUp(c, leader);
      for (const n of c.nodeIds) {
        expect(c.history(n, 'orders'), at(c, `${n} history`)).toMatchObject([{ id: m![1], offset: 1, message: 'via a follower' }]);
      }
    });
  });

  it('server-made ids never repeat, even across a crash and restart of the node that made them', () => {
    withSeed(14, () => {
      const { c, leader, followers } = stable(14);
      const ids: string[] = [];
      const pub = (node: string, i: number): void => {
        const [reply] = ask(c, node, `PUB t m${i}`);
        expect(reply, at(c, `PUB at ${node}`)).toMatch(/^OK (published|REDIRECTED) /);
        ids.push(reply.split(' ').pop()!);
      };
      for (let i = 0; i < 3; i++) pub(leader, i);
      for (let i = 3; i < 6; i++) pub(followers[0], i);
      c.crash(followers[0]);
      c.restart(followers[0]);
      run(c, 500);
      for (let i = 6; i < 9; i++) pub(followers[0], i);
      expect(new Set(ids).size, at(c, `ids ${ids.join(' ')}`)).toBe(ids.length);
      caughtUp(c, c.leader()!);
      expect(c.history(leader, 't').map((r) => r.message), at(c, 'every PUB stored once')).toEqual(
        Array.from({ length: 9 }, (_, i) => `m${i}`),
      );
    });
  });

  for (const role of ROLES) {
    it(`on the ${role}: PUB --id answers with that id, and the same id again in that topic answers OK duplicate <id> and stores nothing`, () => {
      withSeed(15, () => {
        const s = stable(15);
        const { c, leader } = s;
        const node = nodeFor(role, s);
        const first = ask(c, node, 'PUB orders --id order-1 one');
        expect(first, at(c, 'first')).toEqual([role === 'leader' ? 'OK published order-1' : 'OK REDIRECTED order-1']);
        caughtUp(c, leader);
        const before = snapshot(c);
        for (const n of c.nodeIds) {
          expect(ask(c, n, 'PUB orders --id order-1 one'), at(c, `again at ${n}`)).toEqual(['OK duplicate order-1']);
          // A different message under the same id is still the same publish: the original stays.
          expect(ask(c, n, 'PUB orders --id order-1 something else'), at(c, `other text at ${n}`)).toEqual(['OK duplicate order-1']);
        }
        run(c, 300);
        expect(snapshot(c), at(c, 'duplicates changed state')).toBe(before);
        // Dedup is per topic: the same id in another topic is a new message.
        expect(ask(c, node, 'PUB audit --id order-1 one'), at(c, 'other topic')).toEqual([
          role === 'leader' ? 'OK published order-1' : 'OK REDIRECTED order-1',
        ]);
      });
    });
  }

  it('keeps the message verbatim: spaces inside, before and after it, markup and non-ASCII text come back exactly', () => {
    withSeed(16, () => {
      const { c, leader, followers } = stable(16);
      const messages = ['<img src=x onerror=alert(1)>', '  two  leading, two trailing  ', 'a\tb', 'ünïcödé ✓ 日本', '--id not-a-flag', '"quoted" & <b>bold</b>'];
      messages.forEach((m, i) => expect(ask(c, leader, `PUB x --id v${i} ${m}`), at(c, m)).toEqual([`OK published v${i}`]));
      caughtUp(c, leader);
      for (const n of [leader, ...followers]) {
        expect(c.history(n, 'x').map((r) => r.message), at(c, `${n} stored`)).toEqual(messages);
        const lines = ask(c, n, `HISTORY x ${messages.length}`);
        expect(lines.slice(0, -1).map((l) => l.split(' ').slice(7).join(' ')), at(c, `${n} HISTORY`)).toEqual(messages);
      }
      // `--idx` is not the flag: it starts the message.
      expect(ask(c, leader, 'PUB x --idx y')[0], at(c, '--idx')).toMatch(/^OK published n\d+-\d+-\d+$/);
      caughtUp(c, leader);
      expect(c.history(leader, 'x').at(-1)?.message, at(c, '--idx kept as message')).toBe('--idx y');
    });
  });
});

// ---- HISTORY ------------------------------------------------------------------------------------

describe('HISTORY', () => {
  for (const role of ROLES) {
    it(`on the ${role}: one HISTORY <topic> <id> <offset> <ts> <corrected_ts> <lamport> <message> line per record, oldest first, then OK history_end; n smaller than the count gives the last n`, () => {
      withSeed(21, () => {
        const s = stable(21);
        const { c, leader } = s;
        const node = nodeFor(role, s);
        for (let i = 1; i <= 5; i++) expect(ask(c, leader, `PUB news --id h${i} item number ${i}`), at(c, `h${i}`)).toEqual([`OK published h${i}`]);
        caughtUp(c, leader);
        const records = c.history(node, 'news');
        expect(records.map((r) => [r.id, r.offset]), at(c, 'stored')).toEqual([1, 2, 3, 4, 5].map((i) => [`h${i}`, i]));
        const all = records.map((r) => recordLine('HISTORY', 'news', r));
        expect(ask(c, node, 'HISTORY news 10'), at(c, 'n > count')).toEqual([...all, 'OK history_end']);
        expect(ask(c, node, 'HISTORY news 5'), at(c, 'n = count')).toEqual([...all, 'OK history_end']);
        expect(ask(c, node, 'HISTORY news 2'), at(c, 'n < count: the last n, oldest first')).toEqual([all[3], all[4], 'OK history_end']);
        expect(ask(c, node, 'HISTORY news 1'), at(c, 'n = 1')).toEqual([all[4], 'OK history_end']);
        expect(ask(c, node, 'HISTORY news +3'), at(c, '+3')).toEqual([...all.slice(2), 'OK history_end']);
        expect(ask(c, node, 'HISTORY news 0'), at(c, 'n = 0')).toEqual(['OK history_end']);
        expect(ask(c, node, 'HISTORY news -4'), at(c, 'n < 0')).toEqual(['ERR n_must_be_non_negative']);
        expect(ask(c, node, 'HISTORY nothing-here 10'), at(c, 'unknown topic')).toEqual(['OK history_end']);
        expect(ask(c, node, `HISTORY news ${'9'.repeat(30)}`), at(c, 'huge n')).toEqual([...all, 'OK history_end']);
        // Every field is the record's: the id, the 1-based offset, the stamps the leader gave it.
        for (const r of records) {
          expect(Number.isInteger(r.lamport) && r.lamport > 0, at(c, `${r.id} lamport ${r.lamport}`)).toBe(true);
          expect(Number.isFinite(r.ts) && Number.isFinite(r.correctedTs), at(c, `${r.id} stamps`)).toBe(true);
        }
      });
    });
  }

  it('is answered from the node’s own applied state: a follower cut off from the leader answers with what it had, and catches up after healing', () => {
    withSeed(22, () => {
      const { c, leader, followers } = stable(22, { nodes: 5 });
      const lagging = followers[0];
      expect(ask(c, leader, 'PUB feed --id f1 one'), at(c, 'f1')).toEqual(['OK published f1']);
      caughtUp(c, leader);
      c.partition([[lagging], c.nodeIds.filter((id) => id !== lagging)]);
      expect(ask(c, leader, 'PUB feed --id f2 two'), at(c, 'f2')).toEqual(['OK published f2']);
      const leaderLines = ask(c, leader, 'HISTORY feed 10');
      expect(leaderLines.length, at(c, 'leader has both')).toBe(3);
      // Clients still reach the cut-off node; it answers from its own state.
      expect(ask(c, lagging, 'HISTORY feed 10'), at(c, `${lagging} lags`)).toEqual([leaderLines[0], 'OK history_end']);
      c.heal();
      expect(until(c, () => c.history(lagging, 'feed').length === 2, 3000), at(c, `${lagging} caught up`)).toBe(true);
      expect(ask(c, lagging, 'HISTORY feed 10'), at(c, `${lagging} after heal`)).toEqual(leaderLines);
    });
  });
});

// ---- SUB ----------------------------------------------------------------------------------------

describe('SUB', () => {
  for (const role of ROLES) {
    it(`on the ${role}: OK subscribed <topic>, then one MSG line per record applied from then on, in the subscriber's transcript; QUIT ends them`, () => {
      withSeed(31, () => {
        const s = stable(31);
        const { c, leader } = s;
        const node = nodeFor(role, s);
        expect(ask(c, leader, 'PUB chat --id before hello'), at(c, 'before')).toEqual(['OK published before']);
        caughtUp(c, leader);
        expect(ask(c, node, 'SUB chat', 'reader'), at(c, 'SUB')).toEqual(['OK subscribed chat']);
        // A second SUB to the same topic does not double the deliveries.
        expect(ask(c, node, 'SUB chat', 'reader'), at(c, 'SUB again')).toEqual(['OK subscribed chat']);
        for (let i = 1; i <= 3; i++) expect(ask(c, leader, `PUB chat --id c${i} line ${i}`), at(c, `c${i}`)).toEqual([`OK published c${i}`]);
        expect(ask(c, leader, 'PUB other --id o1 not for reader'), at(c, 'o1')).toEqual(['OK published o1']);
        expect(until(c, () => c.received('reader').length >= 3, 2000), at(c, 'three MSGs')).toBe(true);
        run(c, 500);
        const records = c.history(node, 'chat').slice(1);
        const msgs = records.map((r) => recordLine('MSG', 'chat', r));
        expect(c.received('reader').map((m) => m.line), at(c, 'received')).toEqual(msgs);
        expect(c.received('reader').map((m) => [m.node, m.topic, m.offset, m.late]), at(c, 'received meta')).toEqual(
          records.map((r) => [node, 'chat', r.offset, false]),
        );
        const transcript = c.clientLog('reader').map((l) => `${l.dir} ${l.node} ${l.line}`);
        expect(transcript, at(c, 'transcript')).toEqual([
          `out ${node} SUB chat`,
          `in ${node} OK subscribed chat`,
          `out ${node} SUB chat`,
          `in ${node} OK subscribed chat`,
          ...msgs.map((m) => `in ${node} ${m}`),
        ]);

        expect(ask(c, node, 'QUIT', 'reader'), at(c, 'QUIT')).toEqual(['OK bye']);
        const quitAt = c.now;
        expect(ask(c, leader, 'PUB chat --id after-quit unseen'), at(c, 'after quit')).toEqual(['OK published after-quit']);
        run(c, 1000);
        expect(c.clientLog('reader').filter((l) => l.at > quitAt && l.line.startsWith('MSG')), at(c, 'MSG after OK bye')).toEqual([]);
        expect(c.received('reader').length, at(c, 'nothing received after QUIT')).toBe(3);
      });
    });
  }

  it('a subscriber that QUITs and subscribes again on the same node receives every later message, once', () => {
    withSeed(32, () => {
      const { c, leader, followers } = stable(32);
      const node = followers[0];
      expect(ask(c, node, 'SUB t', 'r'), at(c, 'SUB')).toEqual(['OK subscribed t']);
      for (let i = 0; i < 3; i++) ask(c, leader, `PUB t --id a${i} a${i}`);
      expect(until(c, () => c.received('r').length === 3, 2000), at(c, 'first three')).toBe(true);
      expect(ask(c, node, 'QUIT', 'r'), at(c, 'QUIT')).toEqual(['OK bye']);
      for (let i = 0; i < 2; i++) ask(c, leader, `PUB t --id b${i} b${i}`);
      // Applied on the subscriber's node before it subscribes again (a record applied after the SUB is pushed).
      caughtUp(c, leader);
      expect(ask(c, node, 'SUB t', 'r'), at(c, 'SUB again')).toEqual(['OK subscribed t']);
      for (let i = 0; i < 4; i++) ask(c, leader, `PUB t --id c${i} c${i}`);
      run(c, 1500);
      const got = c.received('r').map((m) => m.line.split(' ')[2]);
      expect(got.slice(0, 3).sort(), at(c, 'first subscription')).toEqual(['a0', 'a1', 'a2']);
      expect(got.slice(3).sort(), at(c, 'second subscription: every later message once')).toEqual(['c0', 'c1', 'c2', 'c3']);
    });
  });

  it('SUB with no topic or more than one word is a usage error and subscribes to nothing', () => {
    withSeed(33, () => {
      const { c, leader } = stable(33);
      for (const line of ['SUB', 'SUB ', 'SUB a b']) {
        expect(ask(c, leader, line, 'bad-sub'), at(c, JSON.stringify(line))).toEqual(['ERR usage: SUB <topic>']);
      }
      ask(c, leader, 'PUB a --id x1 hello');
      run(c, 500);
      expect(c.received('bad-sub'), at(c, 'no MSG')).toEqual([]);
    });
  });
});

// ---- errors: bad lines --------------------------------------------------------------------------

describe('bad lines get the spec error and change nothing', () => {
  const longTopic = 't'.repeat(MAX_TOPIC_LENGTH + 1);
  const longId = 'i'.repeat(MAX_ID_LENGTH + 1);
  const BAD: ReadonlyArray<[string, string]> = [
    ['', 'ERR unknown'],
    ['   ', 'ERR unknown'],
    ['FOO bar', 'ERR unknown'],
    ['pub t lower case', 'ERR unknown'],
    ['Pub t mixed case', 'ERR unknown'],
    ['PUBX t m', 'ERR unknown'],
    ['history t 1', 'ERR unknown'],
    ['sub t', 'ERR unknown'],
    ['PUB', USAGE_PUB],
    ['PUB ', USAGE_PUB],
    ['PUB t', USAGE_PUB],
    ['PUB t    ', USAGE_PUB],
    ['PUB t --id', USAGE_PUB],
    ['PUB t --id x', USAGE_PUB],
    ['PUB t --id x   ', USAGE_PUB],
    ['HISTORY', USAGE_HISTORY],
    ['HISTORY t', USAGE_HISTORY],
    ['HISTORY t 1 2', USAGE_HISTORY],
    ['HISTORY t x', 'ERR n_must_be_int'],
    ['HISTORY t 1.5', 'ERR n_must_be_int'],
    ['HISTORY t 1e3', 'ERR n_must_be_int'],
    ['HISTORY t --', 'ERR n_must_be_int'],
    [`PUB t ${'x'.repeat(MAX_LINE_LENGTH)}`, 'ERR too_long'],
    [`PUB ${longTopic} m`, 'ERR topic_too_long'],
    [`HISTORY ${longTopic} 1`, 'ERR topic_too_long'],
    [`SUB ${longTopic}`, 'ERR topic_too_long'],
    [`PUB t --id ${longId} m`, 'ERR id_too_long'],
    ['PUB t two\nlines', 'ERR line_break'],
    ['PUB t carriage\rreturn', 'ERR line_break'],
  ];

  for (const role of ROLES) {
    it(`on the ${role}: ${BAD.length} bad lines (empty, unknown, lower case, missing arguments, non-integer n, oversized line, topic or id, line breaks) each get their error, and no node's topics, histories or log change`, () => {
      withSeed(41, () => {
        const s = stable(41);
        const { c, leader } = s;
        const node = nodeFor(role, s);
        ask(c, leader, 'PUB t --id seed-record kept');
        caughtUp(c, leader);
        const before = snapshot(c);
        for (const [line, error] of BAD) {
          expect(ask(c, node, line), at(c, `${role} ${JSON.stringify(line.length > 60 ? line.slice(0, 60) + '…' : line)}`)).toEqual([error]);
        }
        run(c, 500);
        expect(snapshot(c), at(c, 'a bad line changed state')).toBe(before);
      });
    });
  }

  it('the line limit is exact: a PUB line of exactly MAX_LINE_LENGTH characters is stored whole, one more is ERR too_long', () => {
    withSeed(42, () => {
      const { c, leader } = stable(42);
      const prefix = 'PUB big --id b1 ';
      const message = 'y'.repeat(MAX_LINE_LENGTH - prefix.length);
      expect(ask(c, leader, prefix + message), at(c, 'at the limit')).toEqual(['OK published b1']);
      // A trailing terminator does not count.
      expect(ask(c, leader, `PUB big --id b2 ${message.slice(1)}\r\n`), at(c, 'at the limit + CRLF')).toEqual(['OK published b2']);
      expect(ask(c, leader, `PUB big --id b3 ${message}y`), at(c, 'one over')).toEqual(['ERR too_long']);
      caughtUp(c, leader);
      expect(c.history(leader, 'big').map((r) => [r.id, r.message.length]), at(c, 'stored whole')).toEqual([
        ['b1', message.length],
        ['b2', message.length - 1],
      ]);
      // Topic and id at their limits are fine.
      const topic = 'T'.repeat(MAX_TOPIC_LENGTH);
      const id = 'I'.repeat(MAX_ID_LENGTH);
      expect(ask(c, leader, `PUB ${topic} --id ${id} edge`), at(c, 'limits')).toEqual([`OK published ${id}`]);
    });
  });
});

// ---- errors: the node and the cluster -----------------------------------------------------------

describe('ERR unavailable, ERR not_leader, REDIRECT and ERR timeout_waiting_commit', () => {
  for (const role of ROLES) {
    it(`a down ${role} refuses every line at once with ERR unavailable, and after restart answers again`, () => {
      withSeed(51, () => {
        const s = stable(51);
        const { c } = s;
        const node = nodeFor(role, s);
        c.crash(node);
        for (const line of ['PING', 'PUB t m', 'PUB t --id d1 m', 'HISTORY t 5', 'SUB t', 'QUIT', '', 'nonsense']) {
          const h = c.command(node, line);
          // Refused like a closed TCP port: no virtual time passes.
          expect([h.done, h.lines], at(c, `${role} down: ${JSON.stringify(line)}`)).toEqual([true, ['ERR unavailable']]);
        }
        expect(c.clientLog().slice(-2).map((l) => [l.dir, l.line]), at(c, 'transcript')).toEqual([
          ['out', 'nonsense'],
          ['in', 'ERR unavailable'],
        ]);
        expect(c.journal().some((e) => e.kind === 'refused' && e.to === node), at(c, 'refused journalled')).toBe(true);
        c.restart(node);
        run(c, 1000);
        expect(ask(c, node, 'PING'), at(c, 'after restart')).toEqual(['PONG']);
      });
    });
  }

  it('a node cut off from everyone (disconnect cuts clients too) gets no request: the console gives up after 5 s with ERR unavailable', () => {
    withSeed(52, () => {
      const { c, followers } = stable(52);
      c.disconnect(followers[0]);
      const h = c.command(followers[0], 'PING');
      const sent = c.now;
      expect(until(c, () => h.done, 6000), at(c, 'answered')).toBe(true);
      expect(h.lines, at(c, 'lines')).toEqual(['ERR unavailable']);
      expect(c.now - sent, at(c, 'after the console timeout')).toBeCloseTo(5000, 6);
    });
  });

  it('before any leader is elected, a PUB at any node answers ERR not_leader; PING and HISTORY still work', () => {
    withSeed(53, () => {
      const c = createCluster({ seed: 53, nodes: 3, startupGraceMs: 1000 });
      for (const id of c.nodeIds) {
        expect(ask(c, id, 'PUB t m'), at(c, `${id} PUB`)).toEqual(['ERR not_leader']);
        expect(ask(c, id, 'PUB t --id x m'), at(c, `${id} PUB --id`)).toEqual(['ERR not_leader']);
        expect(ask(c, id, 'PING'), at(c, `${id} PING`)).toEqual(['PONG']);
        expect(ask(c, id, 'HISTORY t 3'), at(c, `${id} HISTORY`)).toEqual(['OK history_end']);
      }
      expect(c.leader(), at(c, 'still no leader')).toBeUndefined();
      expect(c.nodeIds.every((id) => c.node(id).log.length === 0), at(c, 'nothing appended')).toBe(true);
    });
  });

  it('a follower cut off alone: it first forwards to the leader it knows and answers REDIRECT <leader> when the forward times out (1.5 s); once its election timer has made it a candidate it answers ERR not_leader', () => {
    withSeed(54, () => {
      const { c, leader, followers } = stable(54, { nodes: 5 });
      const lone = followers[0];
      c.partition([[lone], c.nodeIds.filter((id) => id !== lone)]);
      const h = c.command(lone, 'PUB t --id lone-1 m');
      const sent = c.now;
      expect(until(c, () => h.done, 6000), at(c, 'answered')).toBe(true);
      expect(h.lines, at(c, 'lines')).toEqual([`REDIRECT ${leader}`]);
      expect(c.now - sent, at(c, 'after the forward timeout')).toBeGreaterThanOrEqual(1500);
      expect(c.now - sent, at(c, 'after the forward timeout')).toBeLessThan(1600);
      // By now its election timeout has fired: it stands for election and knows no leader.
      expect(c.node(lone).role, at(c, `${lone} role`)).toBe('candidate');
      expect(c.node(lone).leaderId, at(c, `${lone} leader`)).toBeNull();
      expect(ask(c, lone, 'PUB t --id lone-2 m'), at(c, 'no known leader')).toEqual(['ERR not_leader']);
      expect(ask(c, lone, 'PUB t no id either'), at(c, 'no known leader, no id')).toEqual(['ERR not_leader']);
      // The forward never arrived: nothing was stored anywhere.
      expect(c.nodeIds.flatMap((id) => c.history(id, 't')), at(c, 'stored')).toEqual([]);
      c.heal();
      run(c, 2000);
      expect(c.nodeIds.flatMap((id) => c.history(id, 't')), at(c, 'stored after heal')).toEqual([]);
    });
  });

  it('a minority of two followers keeps answering ERR not_leader while the majority serves PUBs', () => {
    withSeed(55, () => {
      const { c, leader, followers } = stable(55, { nodes: 5 });
      const minority = followers.slice(0, 2);
      c.partition([minority, c.nodeIds.filter((id) => !minority.includes(id))]);
      run(c, 1500);
      for (const id of minority) expect(ask(c, id, 'PUB t --id m1 x'), at(c, id)).toEqual(['ERR not_leader']);
      expect(ask(c, leader, 'PUB t --id m1 x'), at(c, 'majority leader')).toEqual(['OK published m1']);
    });
  });

  it('a leader cut off from its majority answers ERR timeout_waiting_commit after 2 s; the entry never commits and, after healing, is stored nowhere', () => {
    withSeed(56, () => {
      const { c, leader } = stable(56, { nodes: 5 });
      const rest = c.nodeIds.filter((id) => id !== leader);
      ask(c, leader, 'PUB t --id kept committed');
      caughtUp(c, leader);
      c.partition([[leader], rest]);
      const h = c.command(leader, 'PUB t --id cut-off never committed');
      const sent = c.now;
      expect(until(c, () => h.done, 6000), at(c, 'answered')).toBe(true);
      expect(h.lines, at(c, 'lines')).toEqual(['ERR timeout_waiting_commit']);
      // 2 s after the leader got it (the request took one network hop to arrive).
      expect(c.now - sent, at(c, 'elapsed')).toBeGreaterThanOrEqual(2000);
      expect(c.now - sent, at(c, 'elapsed')).toBeLessThan(2050);
      // The cut-off node still thinks it leads, and has the entry in its log, uncommitted.
      const v = c.node(leader);
      expect(v.role, at(c, 'still leader')).toBe('leader');
      expect(v.log.some((e) => (e.command as { id?: string } | null)?.id === 'cut-off'), at(c, 'in its log')).toBe(true);
      expect(c.history(leader, 't').map((r) => r.id), at(c, 'not applied')).toEqual(['kept']);
      c.heal();
      const healed = until(c, () => c.leader() !== undefined && c.node(leader).role === 'follower', 3000);
      expect(healed, at(c, 'old leader stepped down')).toBe(true);
      run(c, 1000);
      for (const id of c.nodeIds) expect(c.history(id, 't').map((r) => r.id), at(c, `${id} after heal`)).toEqual(['kept']);
    });
  });

  it('with a shorter commit timeout (broker.commitTimeoutMs) the leader gives up sooner', () => {
    withSeed(57, () => {
      const { c, leader } = stable(57, { nodes: 3, broker: { commitTimeoutMs: 500 } });
      c.partition([[leader], c.nodeIds.filter((id) => id !== leader)]);
      const h = c.command(leader, 'PUB t --id quick m');
      const sent = c.now;
      expect(until(c, () => h.done, 6000), at(c, 'answered')).toBe(true);
      expect(h.lines, at(c, 'lines')).toEqual(['ERR timeout_waiting_commit']);
      expect(c.now - sent, at(c, 'elapsed')).toBeGreaterThanOrEqual(500);
      expect(c.now - sent, at(c, 'elapsed')).toBeLessThan(550);
    });
  });
});
