// @vitest-environment happy-dom
// Issue 13 on the page: adding and removing nodes from the Faults panel (the ring redraws, learners look
// different until they vote), leadership transfer, snapshot now (the inspector and the log grid show the
// compacted prefix), the read mode, Pre-Vote, CheckQuorum and snapshotEvery in the Config panel, the
// one-change-at-a-time switch, reconfiguring the running cluster from YAML, and share links that carry
// all of it.
import { act as rAct, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ClusterView, Legend } from '../../src/ui/ClusterView';
import { ConfigPanel } from '../../src/ui/ConfigPanel';
import { CorrectnessPanel } from '../../src/ui/CorrectnessPanel';
import { FaultsPanel } from '../../src/ui/FaultsPanel';
import { Inspector } from '../../src/ui/Inspector';
import { LogGrid } from '../../src/ui/LogGrid';
import { transfer } from '../../src/ui/RaftControls';
import { act as simAct, finishTask, frame, getDriver, runUntilLeader, seek, selectNode, useSim } from '../../src/store/sim';
import { parseSaved, savedRun } from '../../src/store/share';
import { replay } from '../../src/sim';
import { clusterOptions } from '../../src/store/runOptions';
import { freshRun } from './helpers';
import { loaded } from './loaded';

function run(fn: () => void): void {
  rAct(() => {
    fn();
    finishTask();
  });
}

/** Runs the page's cluster on by `ms` of simulated time. */
function runFor(ms: number): void {
  run(() => seek(getDriver().now + ms));
}

/** Runs until `done` holds (in steps of 50 ms, at most `maxMs`). */
function runUntil(done: () => boolean, maxMs = 5000): void {
  for (let t = 0; t < maxMs && !done(); t += 50) runFor(50);
  expect(done()).toBe(true);
}

const view = (id: string) => getDriver().views(true).find((v) => v.id === id);

beforeEach(() => freshRun({ seed: 3, nodes: 5 }));
afterEach(() => cleanup());

describe('membership from the Faults panel (§6, thesis §4)', () => {
  it('adds a node: the ring redraws with a learner, which becomes a voter; the summary follows', () => {
    const { container } = render(
      <>
        <ClusterView />
        <FaultsPanel />
      </>,
    );
    run(runUntilLeader);
    fireEvent.click(screen.getByRole('button', { name: 'Add a node' }));
    rAct(() => frame(16));
    expect(useSim.getState().nodeIds).toEqual(['n1', 'n2', 'n3', 'n4', 'n5', 'n6']);
    const n6 = container.querySelector('g.node[data-node="n6"]')!;
    expect(container.querySelectorAll('g.node')).toHaveLength(6);
    expect(n6.getAttribute('class')).toContain('learner');
    expect(n6.getAttribute('aria-label')).toMatch(/^n6: learner, term/);
    const summary = screen.getByTestId('membership');
    expect(summary.textContent).toMatch(/Learners \(catching up, no vote\): n6/);
    expect(within(summary).getByRole('list', { name: 'Pending membership changes' }).textContent).toMatch(/add n6 — asked at .*, in progress/);
    runUntil(() => getDriver().cluster.members().includes('n6'));
    rAct(() => frame(16));
    expect(container.querySelector('g.node[data-node="n6"]')!.getAttribute('class')).not.toContain('learner');
    expect(screen.getByTestId('membership').textContent).toMatch(/Voters \(committed configuration, §6\): n1 n2 n3 n4 n5 n6 — a majority is 4/);
    expect(screen.queryByRole('list', { name: 'Pending membership changes' })).toBeNull();
  });

  it('removes a node: it stops once the configuration without it commits, and leaves the ring', () => {
    const { container } = render(
      <>
        <ClusterView />
        <FaultsPanel />
      </>,
    );
    run(runUntilLeader);
    fireEvent.change(screen.getByRole('combobox', { name: 'Node to remove' }), { target: { value: 'n2' } });
    fireEvent.click(screen.getByRole('button', { name: 'Remove n2' }));
    expect(getDriver().cluster.actions().at(-1)).toMatchObject({ op: 'removeNode', args: ['n2'] });
    runUntil(() => !useSim.getState().nodeIds.includes('n2'));
    rAct(() => frame(16));
    expect(container.querySelectorAll('g.node')).toHaveLength(4);
    expect(container.querySelector('g.node[data-node="n2"]')).toBeNull();
    expect(getDriver().cluster.members()).toEqual(['n1', 'n3', 'n4', 'n5']);
    expect(screen.getByTestId('membership').textContent).toMatch(/n1 n3 n4 n5 — a majority is 3/);
  });

  it('transfers leadership to the chosen voter (thesis §3.10), and says so when refused', () => {
    render(<FaultsPanel />);
    run(runUntilLeader);
    const old = getDriver().cluster.leader()!;
    const target = ['n1', 'n2', 'n3', 'n4', 'n5'].find((id) => id !== old)!;
    fireEvent.change(screen.getByRole('combobox', { name: 'New leader' }), { target: { value: target } });
    fireEvent.click(screen.getByRole('button', { name: 'Transfer' }));
    expect(getDriver().feedTail(40).some((i) => i.e.kind === 'transfer' && i.e.node === old && i.e.to === target)).toBe(true);
    runUntil(() => getDriver().cluster.leader() === target, 2000);
    expect(view(old)!.role).toBe('follower');
    // A transfer the engine refuses (to the leader itself) is explained, not silently ignored.
    rAct(() => transfer(target));
    expect(useSim.getState().notice?.text).toBe(`No transfer to ${target}: there is no leader, ${target} is not a voter that is up, or it already leads.`);
  });

  it('the rule switch for one change at a time restarts the run with it off', () => {
    render(<CorrectnessPanel />);
    fireEvent.click(screen.getByRole('checkbox', { name: /One membership change at a time/ }));
    expect(screen.getByText(/configurations can form majorities that do not overlap/)).toBeTruthy();
    rAct(() => {
      fireEvent.click(screen.getByRole('button', { name: 'Restart with these rules' }));
      finishTask();
    });
    expect(useSim.getState().run.rules).toEqual({ voteLogCheck: true, commitCurrentTermOnly: true, oneChangeAtATime: false });
    expect(screen.getByText('Rules are off in this run.')).toBeTruthy();
  });
});

describe('snapshots and the inspector (§7)', () => {
  it('snapshot now compacts the leader’s log: the inspector says up to where, the log grid hatches that prefix', async () => {
    render(<Inspector />);
    run(runUntilLeader);
    const leader = getDriver().cluster.leader()!;
    for (const x of ['a', 'b', 'c']) run(() => simAct('propose', [leader, `set ${x}`]));
    runFor(200);
    rAct(() => selectNode(leader));
    // The node view loads on first use (InspectorDetail.tsx).
    const panel = await loaded(screen.findByRole('region', { name: `Node ${leader}` }, { timeout: 5000 }));
    expect(within(panel).getByText('Snapshot').nextSibling!.textContent).toBe('none');
    expect(within(panel).getByText('Status').nextSibling!.textContent).toBe('voter');
    expect(within(panel).getByText('Voters').nextSibling!.textContent).toBe('n1 n2 n3 n4 n5');
    fireEvent.click(within(panel).getByRole('button', { name: 'Snapshot now' }));
    const v = view(leader)!;
    expect(v.snapshot).toEqual({ lastIncludedIndex: 4, lastIncludedTerm: v.term });
    expect(within(panel).getByText('Snapshot').nextSibling!.textContent).toBe(`up to 4 (term ${v.term})`);
    expect(within(panel).getByText('Log holds').nextSibling!.textContent).toBe('no entries after it');
    // Indexes are absolute: the leader's meters and its log's heading count the compacted prefix too.
    for (const m of within(panel).getAllByRole('meter')) expect(m.getAttribute('aria-label')).toMatch(/^n\d holds 4 of 4$/);
    expect(within(panel).getByRole('heading', { name: /^Log/ }).textContent).toBe('Log (no entries after a snapshot up to 4; 4 committed)');
    expect(within(panel).getByText('Config from').nextSibling!.textContent).toBe('kept in its snapshot, committed');
    run(() => simAct('propose', [leader, 'set d']));
    runFor(200);
    expect(within(panel).getByRole('heading', { name: /^Log/ }).textContent).toBe('Log (entry 5 after a snapshot up to 4; 5 committed)');
    for (const m of within(panel).getAllByRole('meter')) expect(m.getAttribute('aria-label')).toMatch(/^n\d holds 5 of 5$/);
    // Nothing new applied since: a second snapshot is refused, with a word.
    fireEvent.click(within(panel).getByRole('button', { name: 'Snapshot now' }));
    fireEvent.click(within(panel).getByRole('button', { name: 'Snapshot now' }));
    expect(useSim.getState().notice?.text).toBe(`${leader} took no snapshot: it is down, or it has applied nothing since its last snapshot.`);
    // The overview's log grid: the leader's first four cells are its snapshot, the last marked with its term.
    rAct(() => selectNode(null));
    // The grid loads after the page's first frame (Inspector.tsx).
    await loaded(screen.findByTestId('log-grid', {}, { timeout: 5000 }));
    const row = document.querySelector(`.loggrid tr[data-node="${leader}"]`)!;
    expect(row.getAttribute('data-snapshot')).toBe('5');
    const cells = [...row.querySelectorAll('td.lg-cell')];
    expect(cells.map((c) => c.classList.contains('compacted'))).toEqual([true, true, true, true, true]);
    expect(cells[4].classList.contains('snap-end')).toBe(true);
    expect(cells[4].textContent).toBe(`${v.term} last entry of the snapshot, term ${v.term}`);
    expect(screen.getByRole('rowheader', { name: new RegExp(`^${leader}: leader, commit index 5, snapshot up to 5$`) })).toBeTruthy();
  });

  it('the log grid puts entries after a snapshot at their absolute index and keys on the snapshot', () => {
    const base = getDriver().views()[0];
    const a = { ...base, id: 'a', commitIndex: 6, snapshot: { lastIncludedIndex: 4, lastIncludedTerm: 2 }, log: [5, 6, 7].map((index) => ({ index, term: 3, command: `x${index}` })) };
    const b = { ...base, id: 'b', commitIndex: 6, snapshot: null, log: [1, 1, 2, 2, 3, 3].map((term, i) => ({ index: i + 1, term, command: `x${i + 1}` })) };
    render(<LogGrid nodes={[a, b]} />);
    expect([...document.querySelectorAll('thead th.lg-index')].map((th) => th.textContent)).toEqual(['1', '2', '3', '4', '5', '6', '7']);
    const terms = (id: string) => [...document.querySelectorAll(`tr[data-node="${id}"] td.lg-cell`)].map((c) => (c.classList.contains('compacted') ? 'S' : (c.getAttribute('data-term') ?? '.')));
    expect(terms('a')).toEqual(['S', 'S', 'S', 'S', '3', '3', '3']);
    expect(terms('b')).toEqual(['1', '1', '2', '2', '3', '3', '.']);
    expect(document.querySelector('tr[data-node="a"] td.lg-cell.edge')).toBe(document.querySelectorAll('tr[data-node="a"] td.lg-cell')[5]);
    expect(screen.getByText(/in a snapshot \(log compacted, §7\)/)).toBeTruthy();
  });

  it('a learner is shown as one in the inspector, the overview and the log grid', async () => {
    render(<Inspector />);
    run(runUntilLeader);
    run(() => simAct('addNode', [{}]));
    expect(view('n6')!.learner).toBe(true);
    expect(await loaded(screen.findByRole('rowheader', { name: /^n6: follower, learner, commit index 0$/ }, { timeout: 5000 }))).toBeTruthy();
    // Its name in the overview table and in the "inspect a learner" line.
    expect(screen.getAllByRole('button', { name: 'n6' })).toHaveLength(2);
    rAct(() => selectNode('n6'));
    const panel = await loaded(screen.findByRole('region', { name: 'Node n6' }, { timeout: 5000 }));
    expect(within(panel).getByText('Status').nextSibling!.textContent).toBe('learner: catching up, does not vote');
    expect((within(panel).getByRole('button', { name: 'Make leader (transfer)' }) as HTMLButtonElement).disabled).toBe(true);
    runUntil(() => view('n6')!.members.includes('n6'));
    rAct(() => selectNode('n6'));
    expect(within(screen.getByRole('region', { name: 'Node n6' })).getByText('Status').nextSibling!.textContent).toBe('voter');
  });
});

describe('the Config panel: reads, Pre-Vote, CheckQuorum, snapshots, and YAML on the running cluster', () => {
  it('applies the read mode and the extensions as a new run; a bad snapshot interval changes nothing', () => {
    render(<ConfigPanel />);
    fireEvent.change(screen.getByRole('combobox', { name: /Reads \(HISTORY\)/ }), { target: { value: 'readIndex' } });
    expect(screen.getByText(/confirms it still leads with a heartbeat round/)).toBeTruthy();
    fireEvent.click(screen.getByRole('checkbox', { name: /Pre-Vote/ }));
    fireEvent.click(screen.getByRole('checkbox', { name: /CheckQuorum/ }));
    const every = screen.getByRole('textbox', { name: /Snapshot every/ });
    fireEvent.change(every, { target: { value: '-3' } });
    const before = getDriver();
    fireEvent.click(screen.getByRole('button', { name: 'Apply and start a new run' }));
    expect(screen.getByTestId('config-error').textContent).toMatch(/Snapshot every must be a whole number/);
    expect(getDriver()).toBe(before);
    // Beyond what a link holds, the run would start and then refuse to be shared: refused here, by name (audit r5).
    fireEvent.change(every, { target: { value: '2000000000' } });
    fireEvent.click(screen.getByRole('button', { name: 'Apply and start a new run' }));
    expect(screen.getByTestId('config-error').textContent).toMatch(/Snapshot every must be at most 1,000,000,000 entries\./);
    expect(getDriver()).toBe(before);
    fireEvent.change(every, { target: { value: '50' } });
    rAct(() => {
      fireEvent.click(screen.getByRole('button', { name: 'Apply and start a new run' }));
      finishTask();
    });
    expect(useSim.getState().run).toMatchObject({ reads: 'readIndex', raft: { preVote: true, checkQuorum: true }, snapshotEvery: 50 });
    expect(getDriver().cluster.options).toMatchObject({ reads: 'readIndex', raft: { preVote: true, checkQuorum: true }, snapshotEvery: 50 });
    // Back to the defaults: the options disappear again (a default run shares as before).
    fireEvent.change(screen.getByRole('combobox', { name: /Reads \(HISTORY\)/ }), { target: { value: 'local' } });
    fireEvent.click(screen.getByRole('checkbox', { name: /Pre-Vote/ }));
    fireEvent.click(screen.getByRole('checkbox', { name: /CheckQuorum/ }));
    fireEvent.change(screen.getByRole('textbox', { name: /Snapshot every/ }), { target: { value: '0' } });
    rAct(() => {
      fireEvent.click(screen.getByRole('button', { name: 'Apply and start a new run' }));
      finishTask();
    });
    const r = useSim.getState().run;
    expect(r.reads === undefined && r.raft === undefined && r.snapshotEvery === undefined).toBe(true);
  });

  it('adds and removes nodes of the running cluster to match an edited cluster.yaml', () => {
    render(<ConfigPanel />);
    run(runUntilLeader);
    fireEvent.click(screen.getByRole('radio', { name: /cluster\.yaml/ }));
    fireEvent.click(screen.getByRole('button', { name: 'Copy the running cluster’s nodes' }));
    const editor = screen.getByRole('textbox', { name: 'cluster.yaml' }) as HTMLTextAreaElement;
    const yaml = editor.value.replace(/\n\s*- id: n5[^\n]*(\n\s+[a-zA-Z]+:[^\n]*)*/, '') + '  - id: extra\n    host: 10.0.0.9\n    port: 9200\n';
    fireEvent.change(editor, { target: { value: yaml } });
    expect(screen.getByTestId('yaml-status').textContent).toMatch(/^✓ 5 nodes: n1, n2, n3, n4, extra$/);
    fireEvent.click(screen.getByRole('button', { name: 'Add/remove nodes to match (running cluster)' }));
    expect(screen.getByTestId('reconfigure-status').textContent).toBe('The running cluster is adding extra and removing n5 (one change at a time; see the Faults tab).');
    runUntil(() => getDriver().cluster.pendingChanges().length === 0, 8000);
    expect(getDriver().cluster.members()).toEqual(['n1', 'n2', 'n3', 'n4', 'extra']);
    expect(getDriver().cluster.config.nodes.find((n) => n.id === 'extra')).toMatchObject({ host: '10.0.0.9', port: 9200 });
    // The id of a removed node cannot come back: refused, and nothing changes.
    const actions = getDriver().cluster.actions().length;
    fireEvent.change(editor, { target: { value: `${yaml}  - id: n5\n    host: 127.0.0.1\n    port: 9300\n` } });
    fireEvent.click(screen.getByRole('button', { name: 'Add/remove nodes to match (running cluster)' }));
    expect(screen.getByTestId('reconfigure-status').textContent).toBe('Not changed — Node id n5 belonged to a removed node and cannot be reused');
    expect(getDriver().cluster.actions()).toHaveLength(actions);
  });
});

describe('the legend says what an empty election timer does in this run', () => {
  it('without Pre-Vote an empty ring starts an election (the term rises); with Pre-Vote it asks first (the term stays)', () => {
    freshRun({ seed: 5, nodes: 3 });
    const { unmount } = render(<Legend />);
    expect(screen.getByRole('list', { name: 'Legend' }).textContent).toContain('empty: it starts an election');
    run(() => simAct('fire', ['n1', 'election']));
    expect(getDriver().cluster.node('n1').term).toBe(1);
    unmount();
    freshRun({ seed: 5, nodes: 3, raft: { preVote: true } });
    render(<Legend />);
    const text = screen.getByRole('list', { name: 'Legend' }).textContent ?? '';
    expect(text).toContain('it asks for pre-votes, and starts an election only if a majority would vote');
    expect(text).not.toContain('empty: it starts an election');
    run(() => simAct('fire', ['n1', 'election']));
    const v = getDriver().cluster.node('n1');
    expect(v.term).toBe(0);
    expect(v.preCandidate).toBe(true);
  });
});

describe('share links carry issue 13', () => {
  it('a run with the new options and actions validates, and its replay is the same run', () => {
    freshRun({ seed: 4, nodes: 3, reads: 'lease', raft: { preVote: true, checkQuorum: true }, snapshotEvery: 5, rules: { oneChangeAtATime: true } });
    run(runUntilLeader);
    const d = getDriver();
    run(() => simAct('addNode', [{}]));
    runFor(500);
    run(() => simAct('transferLeadership', ['n4']));
    runFor(300);
    run(() => simAct('snapshot', ['n2']));
    run(() => simAct('removeNode', ['n1']));
    runFor(800);
    const saved = savedRun(useSim.getState().run, d.cluster.actions(), d.now);
    const parsed = parseSaved(JSON.parse(JSON.stringify(saved)));
    expect(parsed.ok).toBe(true);
    expect(d.cluster.actions().map((a) => a.op)).toEqual(expect.arrayContaining(['addNode', 'transferLeadership', 'snapshot', 'removeNode']));
    const again = replay(clusterOptions(useSim.getState().run), d.cluster.actions(), d.now);
    expect(again.nodeIds).toEqual(d.cluster.nodeIds);
    expect(again.members()).toEqual(d.cluster.members());
    expect(again.eventCount).toBe(d.cluster.eventCount);
    // A malformed action is refused with its path.
    const bad = JSON.parse(JSON.stringify(saved));
    bad.actions[0] = { ...bad.actions[0], op: 'removeNode', args: [42] };
    expect(parseSaved(bad)).toMatchObject({ ok: false });
  });
});

describe('runFromDraft keeps to what a link holds (audit r5)', () => {
  it('refuses an election timeout or heartbeat over an hour, by field', async () => {
    const { runFromDraft } = await import('../../src/ui/ConfigPanel');
    const draft = { seed: '1', source: 'size' as const, nodes: '5', yaml: '', timeoutMin: '150', timeoutMax: '300', heartbeat: '50', reads: 'local' as const, preVote: false, checkQuorum: false, snapshotEvery: '0' };
    expect(runFromDraft(draft, { seed: 1 }).run).toBeDefined();
    expect(runFromDraft({ ...draft, timeoutMax: '3600001' }, { seed: 1 })).toEqual({ error: 'Election timeout max must be at most 3,600,000 ms (1 hour), the longest a link or run file holds.', field: 'timeoutMax' });
    expect(runFromDraft({ ...draft, heartbeat: '1e9' }, { seed: 1 })).toEqual({ error: 'Heartbeat must be at most 3,600,000 ms (1 hour), the longest a link or run file holds.', field: 'heartbeat' });
    expect(runFromDraft({ ...draft, timeoutMax: '3600000' }, { seed: 1 }).run?.electionTimeoutMs).toEqual([150, 3_600_000]);
  });
});
