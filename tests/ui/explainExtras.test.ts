// The step explanations cover every message and event issue 13 added, each with its section: a real run
// that grows, shrinks, transfers, snapshots, reads safely, and loses a leader to CheckQuorum.
import { describe, expect, it } from 'vitest';
import { runScenario } from '../../src/sim/scenario';
import { createCluster, type SimEvent } from '../../src/sim';
import { commandText, explain, sentence } from '../../src/ui/explain';

const RUN = `seed 5
nodes 5
pre-vote on
check-quorum on
reads readIndex
snapshot-every 0
run until leader within 3s
let old = leader
cmd leader PUB t a
cmd leader PUB t b
snapshot leader
add-node
run until changes = 0 within 5s
transfer n6
run until leader n6 within 2s
remove-node $old
run until changes = 0 within 5s
cmd n3 HISTORY t 5
run 200ms
let l = leader
partition $l | rest
run 1s
heal
run 1s
let f = follower
crash $f
cmd leader PUB t c
run 200ms
snapshot leader
restart $f
run 1s
`;

const NEW_TYPES = ['PreVote', 'PreVoteReply', 'InstallSnapshot', 'InstallSnapshotReply', 'TimeoutNow', 'ReadIndex', 'ReadIndexReply'];
const NEW_KINDS = ['preVoteStart', 'preVote', 'stepDown', 'transfer', 'config', 'configCommitted', 'membership', 'removed', 'addNode', 'removeNode', 'transferLeadership', 'snapshot', 'restore'];

describe('explanations of issue 13', () => {
  const res = runScenario(RUN);
  const journal = res.runner.cluster.journal();

  it('the run does everything it is meant to show', () => {
    expect(res.failure?.message).toBeUndefined();
    const types = new Set(journal.filter((e) => e.kind === 'send').map((e) => e.type));
    for (const t of NEW_TYPES) expect(types.has(t), t).toBe(true);
    const kinds = new Set(journal.map((e) => e.kind));
    for (const k of NEW_KINDS) expect(kinds.has(k), k).toBe(true);
  });

  it('every new message, sent and delivered, has its own sentence and section', () => {
    for (const t of NEW_TYPES) {
      for (const kind of ['send', 'deliver']) {
        const e = journal.find((x) => x.kind === kind && x.type === t)!;
        expect(e, `${kind} ${t}`).toBeDefined();
        const x = explain(e);
        // Not the fallback sentence every unknown message gets.
        expect(x.text, `${kind} ${t}`).not.toBe(kind === 'send' ? `${e.from} sent ${t} to ${e.to}` : `${e.to} received ${t} from ${e.from}`);
        expect(x.rule, `${kind} ${t}`).toMatch(/§(7|8|9\.6|3\.10|6\.4)/);
      }
    }
  });

  it('every new event kind has its own sentence and section', () => {
    for (const k of NEW_KINDS) {
      const e = journal.find((x) => x.kind === k)!;
      const x = explain(e);
      expect(x.text.startsWith(`${k} `), `${k}: ${x.text}`).toBe(false);
      expect(x.rule, `${k}: ${x.text}`).toMatch(/§/);
    }
  });

  it('names the sections: the paper for §6–§8, the dissertation for the rest', () => {
    const first = (pred: (e: SimEvent) => boolean): string => sentence(journal.find(pred)!);
    expect(first((e) => e.kind === 'preVoteStart')).toMatch(/^n\d's election timer ran out\. With Pre-Vote it first asks the others whether they would vote for it in term 1 — .* \(thesis §9\.6\)$/);
    expect(first((e) => e.kind === 'send' && e.type === 'TimeoutNow')).toMatch(/^n\d told n6, which is now up to date, to start an election at once: the last step of a leadership transfer \(thesis §3\.10\)$/);
    expect(first((e) => e.kind === 'send' && e.type === 'InstallSnapshot')).toMatch(/^n\d, leader of term \d+, sent n6 its snapshot up to index \d+ \(term \d+\): the entries n6 needs next are no longer in n\d's log \(§7\)$/);
    expect(first((e) => e.kind === 'addNode')).toBe('You added n6: it starts with an empty log and catches up as a learner, which gets the log but does not vote; then the leader makes it a voter (thesis §4.2.1)');
    expect(first((e) => e.kind === 'stepDown' && /CheckQuorum/.test(e.detail ?? ''))).toMatch(
      /^n\d stepped down as leader: CheckQuorum: heard from \d of 5 voters in an election timeout, a majority is 3 \(thesis §6\.2\)$/,
    );
    expect(first((e) => e.kind === 'send' && e.type === 'AppendEntries' && /"op":"config"/.test(JSON.stringify(e.payload)))).toMatch(
      /with a configuration entry \(voters n\d( n\d)+; learners n6\): a configuration travels in the log like any entry \(§6, thesis §4\)$/,
    );
    expect(first((e) => e.kind === 'timer' && e.type === 'election' && journal.some((a) => a.kind === 'preVoteStart' && a.node === e.node && a.at === e.at))).toBeDefined();
  });

  it('a timer that starts a pre-vote says so, and a configuration entry reads as one', () => {
    const i = journal.findIndex((e) => e.kind === 'timer' && e.type === 'election');
    const x = explain(journal[i], { after: journal.slice(i + 1, i + 4) });
    expect(x).toEqual({ text: `${journal[i].node} timed out and asks first whether it would win an election (Pre-Vote)`, rule: 'thesis §9.6' });
    expect(commandText({ op: 'config', voters: ['n1', 'n2'], learners: ['n3'] })).toBe('configuration: voters n1 n2; learners n3');
  });

  it('a delivered configuration entry says the receiver uses it only when it stored it, and that it stored nothing when it refused them (a new server refuses its first AppendEntries)', () => {
    const said = { stored: 0, refused: 0 };
    journal.forEach((e, i) => {
      if (e.kind !== 'deliver' || e.type !== 'AppendEntries' || !/"op":"config"/.test(JSON.stringify(e.payload))) return;
      const after = journal.slice(i + 1, i + 7).filter((a) => a.at === e.at);
      const text = explain(e, { after }).text;
      const stored = after.some((a) => a.kind === 'config' && a.node === e.to);
      if (stored) {
        said.stored++;
        expect(text).toMatch(/: it stores it and uses the new configuration at once, committed or not$/);
      } else {
        const reply = after.find((a) => a.kind === 'send' && a.type === 'AppendEntriesReply' && a.from === e.to);
        const refused = (reply?.payload as { success?: boolean } | undefined)?.success === false;
        said.refused += refused ? 1 : 0;
        if (refused) expect(text).toMatch(/, with a configuration entry, but refuses them \(its reply says why\) and stores nothing: the configuration does not apply to it until the entry is in its log$/);
        else if (reply !== undefined) expect(text).toMatch(/, with a configuration entry it already holds: nothing changes$/);
        else expect(text).toMatch(/: a server uses the latest configuration in its log, committed or not, from the moment the entry is stored$/);
        expect(text).not.toMatch(/uses the new configuration at once/);
      }
    });
    expect(said.stored).toBeGreaterThan(0);
    expect(said.refused).toBeGreaterThan(0);
  });

  it('a leader with a read lease that starts a transfer says it gives the lease up (thesis §6.4.1)', () => {
    const lease = runScenario('seed 5\nnodes 3\nreads lease\nrun until leader within 3s\nlet l = leader\nlet f = follower\ntransfer $f\nrun until leader $f within 2s\n');
    expect(lease.failure?.message).toBeUndefined();
    const start = lease.runner.cluster.journal().find((e) => e.kind === 'transfer' && /handing/.test(e.detail ?? ''))!;
    expect(sentence(start)).toMatch(/^n\d starts handing leadership to n\d: it gives up its read lease .* \(thesis §3\.10, thesis §6\.4\.1\)$/);
    const plain = journal.find((e) => e.kind === 'transfer' && /handing/.test(e.detail ?? ''))!;
    expect(sentence(plain)).not.toMatch(/lease/);
  });

  it('leader stickiness is named as the dissertation section it is', () => {
    const e: SimEvent = { at: 1, kind: 'vote', node: 'n2', to: 'n3', term: 4, detail: 'denied: ignored: heard from leader n1 within the minimum election timeout (§4.2.3)' };
    // Ignored, not refused: no reply goes back and the voter keeps its term.
    expect(explain(e)).toEqual({ text: "n2 ignored n3's vote request, sending no reply and keeping its term: heard from leader n1 within the minimum election timeout", rule: 'thesis §4.2.3' });
  });
});

describe('late and repeated copies (audit r5)', () => {
  /** Each delivery of `type` with the events after it at the same instant, as the feed gives them. */
  const deliveries = (j: readonly SimEvent[], type: string) =>
    j.flatMap((e, i) => (e.kind === 'deliver' && e.type === type ? [{ e, after: j.slice(i + 1, i + 8).filter((a) => a.at === e.at) }] : []));

  it('a TimeoutNow starts an election only once: a repeated copy is said to be ignored (thesis §3.10)', () => {
    const c = createCluster({ seed: 1, nodes: 3, checkers: 'record' });
    c.runUntil(() => c.leader() !== undefined, 3000);
    c.runFor(200);
    const to = c.nodeIds.find((x) => x !== c.leader())!;
    c.setNetwork({ duplicateRate: 1 });
    c.transferLeadership(to);
    c.setNetwork({ duplicateRate: 0 });
    c.runFor(300);
    const ds = deliveries(c.journal(), 'TimeoutNow');
    expect(ds.length).toBe(2);
    const [first, copy] = ds.map(({ e, after }) => ({ started: after.some((a) => a.kind === 'role' && a.node === e.to && a.role === 'candidate'), text: explain(e, { after }).text }));
    expect(first).toEqual({ started: true, text: expect.stringMatching(/: it starts an election now, without waiting for its timer$/) });
    expect(copy).toEqual({ started: false, text: expect.stringMatching(/, but ignores it: it is already in a newer term, leads, or does not vote \(a late or repeated copy\)$/) });
  });

  it('a snapshot replaces the state only when it installs; a copy of one already committed is said to be only answered (§7)', () => {
    const said = { installed: 0, kept: 0 };
    for (let seed = 1; seed <= 6; seed++) {
      const c = createCluster({ seed, nodes: 3, checkers: 'record', snapshotEvery: 4, network: { latencyMs: [5, 15], duplicateRate: 0.5, reorderRate: 0.3, reorderDelayMs: [10, 60] } });
      c.runUntil(() => c.leader() !== undefined, 3000);
      const f = c.nodeIds.find((x) => x !== c.leader())!;
      c.crash(f);
      for (let i = 0; i < 12; i++) {
        c.propose(c.leader()!, `x${i}`);
        c.runFor(20);
      }
      c.runFor(200);
      c.restart(f);
      c.runFor(1500);
      for (const { e, after } of deliveries(c.journal(), 'InstallSnapshot')) {
        const text = explain(e, { after }).text;
        if (after.some((a) => a.kind === 'restore' && a.node === e.to)) {
          said.installed++;
          expect(text).toMatch(/: it replaces its state and the log it covers$/);
        } else {
          said.kept++;
          expect(text).not.toMatch(/replaces its state/);
        }
      }
    }
    expect(said.installed).toBeGreaterThan(0);
    expect(said.kept).toBeGreaterThan(0);
  });
});
