// @vitest-environment happy-dom
// The inspector shows structured state as readable tables: a node's failure detector (per peer: last news, heard itself,
// heartbeat counter, suspected) and a gossip AppendEntries' liveness news, checked against the journal, not the view.
import { act as rAct, cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Inspector } from '../../src/ui/Inspector';
import { ms, PayloadView } from '../../src/ui/InspectorTables';
import { act, finishTask, getDriver, runUntilLeader, seek, selectMessage, selectNode } from '../../src/store/sim';
import { LivenessNews } from '../../src/sim/livenessNews';
import { createCluster, type AliveEntry } from '../../src/sim';
import { freshRun } from './helpers';
import { loaded } from './loaded';

function run(fn: () => void): void {
  rAct(() => {
    fn();
    finishTask();
  });
}

/** What `observer` knows of each peer, rebuilt from the journal by the detector's rules (docs/time.md). */
function newsFromJournal(): LivenessNews {
  const news = new LivenessNews();
  for (const e of getDriver().cluster.journal()) news.observe(e);
  return news;
}

/** The detector table's body rows as text cells, by peer. */
async function detectorRows(id: string): Promise<Map<string, string[]>> {
  const table = await loaded(screen.findByRole('table', { name: `Failure detector of ${id}` }, { timeout: 5000 }));
  const rows = within(table).getAllByRole('row').slice(1);
  return new Map(rows.map((r) => [within(r).getByRole('rowheader').textContent!, within(r).getAllByRole('cell').map((c) => c.textContent!)]));
}

beforeEach(() => freshRun({ seed: 1, nodes: 5 }));
afterEach(() => cleanup());

describe('inspector: failure detector table', () => {
  it('has a row per peer with the age of the last news of it, as the journal shows, and who is suspected', async () => {
    render(<Inspector />);
    run(runUntilLeader);
    run(() => seek(getDriver().now + 250));
    const leader = getDriver().cluster.leader()!;
    const ids = getDriver().views().map((v) => v.id);
    const follower = ids.find((id) => id !== leader)!;
    rAct(() => selectNode(follower));

    const check = async (suspected: ReadonlySet<string>) => {
      const now = getDriver().now;
      const news = newsFromJournal();
      const rows = await detectorRows(follower);
      expect([...rows.keys()]).toEqual(ids.filter((id) => id !== follower));
      for (const [peer, cells] of rows) {
        const [last, itself, hb, sus] = cells;
        const at = news.lastNews(follower, peer);
        expect(at, `${follower} has news of ${peer} (seed 1)`).toBeDefined();
        expect(last, `last news of ${peer}`).toBe(`${ms(now - at!)}\u00a0ms ago`);
        // Heard itself: the latest delivery from the peer to this node.
        const direct = getDriver().cluster.journal().filter((e) => e.kind === 'deliver' && e.from === peer && e.to === follower).at(-1);
        expect(itself, `heard ${peer} itself`).toBe(direct === undefined ? 'never' : `${ms(now - direct.at)}\u00a0ms ago`);
        expect(Number(hb)).toBeGreaterThan(0);
        expect(sus).toMatch(suspected.has(peer) ? /^yes$/ : /^no \(\d+\u00a0ms left\)$/);
      }
    };
    await check(new Set());
    expect(screen.getByRole('table', { name: `Failure detector of ${follower}` }).querySelector('caption')!.textContent).toMatch(/no news for more than 300 ms is suspected/);

    // A crashed peer: suspected once its news is more than 300 ms old.
    const crashed = ids.find((id) => id !== leader && id !== follower)!;
    run(() => act('crash', [crashed]));
    run(() => seek(getDriver().now + 450));
    await check(new Set([crashed]));
    const rows = await detectorRows(follower);
    expect(rows.get(crashed)![3]).toBe('yes');
    expect(parseFloat(rows.get(crashed)![0])).toBeGreaterThan(300);
  });

  it('says a down node’s detector holds nothing instead of a table', async () => {
    render(<Inspector />);
    run(runUntilLeader);
    run(() => act('crash', ['n2']));
    rAct(() => selectNode('n2'));
    expect(await screen.findByText(/n2 is down: its failure detector holds nothing/, {}, { timeout: 5000 })).toBeTruthy();
    expect(screen.queryByRole('table', { name: 'Failure detector of n2' })).toBeNull();
  });
});

describe('inspector: message payload', () => {
  it('shows an AppendEntries as labelled fields and its liveness news as a table, one row per peer', async () => {
    render(<Inspector />);
    run(runUntilLeader);
    const leader = getDriver().cluster.leader()!;
    const withNews = () =>
      getDriver()
        .inFlight()
        .find((m) => m.type === 'AppendEntries' && m.from === leader && Object.keys((m.payload as { alive?: object }).alive ?? {}).length > 0);
    // Heartbeats leave every 50 ms: move on in small steps until one with news is on its way.
    for (let i = 0; i < 40 && withNews() === undefined; i++) run(() => seek(getDriver().now + 5));
    const msg = withNews();
    expect(msg, 'an AppendEntries with liveness news in flight (seed 1)').toBeDefined();
    rAct(() => selectMessage(msg!.id));
    const payload = await loaded(screen.findByTestId('payload', {}, { timeout: 5000 }));
    // Fields by name with their values, not JSON.
    const field = (name: string) => within(payload).getByText(name, { selector: 'dt' }).nextElementSibling!.textContent!;
    const p = msg!.payload as { term: number; leaderId: string; prevLogIndex: number; leaderCommit: number };
    expect(field('term')).toMatch(new RegExp(`^${p.term} — `));
    expect(field('leaderId')).toMatch(new RegExp(`^${leader} — `));
    expect(field('prevLogIndex')).toMatch(new RegExp(`^${p.prevLogIndex} — `));
    expect(field('leaderCommit')).toMatch(new RegExp(`^${p.leaderCommit} — `));
    expect(payload.textContent).not.toMatch(/[{}"]/);

    const table = within(payload).getByRole('table', { name: 'Liveness news' });
    const alive = (msg!.payload as { alive: Readonly<Record<string, AliveEntry>> }).alive;
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map((r) => within(r).getByRole('rowheader').textContent)).toEqual(Object.keys(alive));
    for (const r of rows) {
      const peer = within(r).getByRole('rowheader').textContent!;
      expect(within(r).getAllByRole('cell').map((c) => c.textContent)).toEqual([`${ms(alive[peer].agoMs)}\u00a0ms ago`, String(alive[peer].hb)]);
    }
    // The raw JSON stays one click away.
    expect(screen.getByText('The payload as JSON')).toBeTruthy();
  });
});

describe('field hints follow the message type', () => {
  it('a client connection segment\'s seq is its number on the connection, not a Raft heartbeat round', () => {
    render(<PayloadView payload={{ type: 'ClientRequest', conn: 1, epoch: 0, seq: 3, ack: 2, ts: 10, echo: 9, line: 'PING' }} from="console" />);
    const field = (name: string) => screen.getByText(name, { selector: 'dt' }).nextElementSibling!.textContent!;
    expect(field('seq')).toMatch(/^3 — this segment’s number on the connection/);
    expect(field('ack')).toMatch(/cumulative, as TCP’s ACK/);
    cleanup();
    render(<PayloadView payload={{ type: 'AppendEntries', term: 2, seq: 7 }} from="n1" />);
    expect(screen.getByText('seq', { selector: 'dt' }).nextElementSibling!.textContent).toMatch(/^7 — heartbeat round/);
  });
});

describe('a reply\'s field hints follow its values', () => {
  /** The replies a run delivered: successes, and refusals of a restarted follower (log too short) and of a stale leader. */
  function replies(): Map<string, Record<string, unknown>> {
    const c = createCluster({ seed: 3, journalLimit: 200_000 });
    c.runFor(1000);
    const l = c.leader()!;
    const [down, cut] = c.nodeIds.filter((x) => x !== l);
    c.crash(down);
    c.partition([[l, cut]]);
    for (let i = 0; i < 5; i++) {
      c.propose(l, `x${i}`);
      c.runFor(50);
    }
    c.runFor(2000);
    c.heal();
    c.restart(down);
    c.runFor(3000);
    const out = new Map<string, Record<string, unknown>>();
    for (const e of c.journal()) {
      if (e.kind !== 'deliver' || e.type !== 'AppendEntriesReply') continue;
      const p = e.payload as { success: boolean; conflictTerm: number; conflictIndex: number };
      out.set(p.success ? 'ok' : p.conflictTerm > 0 ? 'mismatch' : p.conflictIndex > 0 ? 'short' : 'stale', e.payload as Record<string, unknown>);
    }
    return out;
  }
  const field = (name: string) => screen.getByText(name, { selector: 'dt' }).nextElementSibling!.textContent!;

  it('a success says nothing conflicts; each refusal says why, and that matchIndex is 0 (seed 3)', () => {
    const got = replies();
    expect([...got.keys()].sort(), 'seed 3: the run delivered a success, a too-short and a stale-term refusal').toEqual(['ok', 'short', 'stale']);
    render(<PayloadView payload={got.get('ok')} from="n2" />);
    expect(field('success')).toMatch(/^yes — the follower held the entry at prevLogIndex with prevLogTerm/);
    expect(field('matchIndex')).toMatch(/ — the follower’s log matches the leader’s up to here$/);
    expect(field('conflictTerm')).toBe('0 — 0: nothing conflicts');
    expect(field('conflictIndex')).toBe('0 — 0: nothing conflicts');
    cleanup();
    render(<PayloadView payload={got.get('short')} from="n2" />);
    expect(field('success')).toBe('no — refused: its log is too short: it has no entry at prevLogIndex');
    expect(field('matchIndex')).toBe('0 — 0 on a refusal');
    expect(field('conflictTerm')).toBe('0 — 0: the follower’s log is too short');
    expect(field('conflictIndex')).toMatch(/ — the follower’s last index \+ 1: the leader backs up to it$/);
    cleanup();
    render(<PayloadView payload={got.get('stale')} from="n2" />);
    expect(field('success')).toMatch(/^no — refused: the request’s term was older than the follower’s/);
    expect(field('conflictTerm')).toBe('0 — 0: refused for a stale term, not a conflict');
    cleanup();
    // A refusal for a mismatch, as node.ts builds it: the term of the follower's entry at prevLogIndex, and its first index of that term.
    render(<PayloadView payload={{ type: 'AppendEntriesReply', term: 3, success: false, matchIndex: 0, conflictTerm: 2, conflictIndex: 4, seq: 0 }} from="n2" />);
    expect(field('success')).toBe('no — refused: its entry at prevLogIndex has another term than prevLogTerm');
    expect(field('conflictTerm')).toBe('2 — the term of the follower’s entry at prevLogIndex');
    expect(field('conflictIndex')).toMatch(/^4 — the follower’s first index of conflictTerm/);
    cleanup();
    render(<PayloadView payload={{ type: 'RequestVoteReply', term: 3, voteGranted: false }} from="n2" />);
    expect(field('voteGranted')).toBe('no — the vote (or pre-vote) is refused');
  });
});
