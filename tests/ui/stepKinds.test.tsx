// @vitest-environment happy-dom
// The simulator's Step and what it watches: the selector beside the Step button, the layers events
// belong to, the narration saying what a Step passed over, and the inspector's log grid of the run.
import { act as rAct, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SimEvent } from '../../src/sim';
import { act, finishTask, getDriver, runUntilLeader, useSim } from '../../src/store/sim';
import { layerOf, watched } from '../../src/store/stepKinds';
import { Inspector } from '../../src/ui/Inspector';
import { Narration } from '../../src/ui/Narration';
import { Toolbar } from '../../src/ui/Toolbar';
import { loaded } from './loaded';
import { freshRun } from './helpers';

beforeEach(() => freshRun());
afterEach(cleanup);

const ev = (e: Partial<SimEvent>): SimEvent => ({ at: 0, kind: 'send', ...e });

describe('what a Step watches', () => {
  it('sorts events into layers: Raft, pub/sub, clocks and detector; actions and violations stop every watcher', () => {
    expect(layerOf(ev({ type: 'RequestVote' }))).toBe('raft');
    expect(layerOf(ev({ kind: 'deliver', type: 'AppendEntriesReply' }))).toBe('raft');
    expect(layerOf(ev({ kind: 'timer', type: 'election' }))).toBe('raft');
    expect(layerOf(ev({ kind: 'commit' }))).toBe('raft');
    expect(layerOf(ev({ type: 'Ping' }))).toBe('time');
    expect(layerOf(ev({ kind: 'timer', type: 'detector' }))).toBe('time');
    expect(layerOf(ev({ kind: 'timer', type: 'sync' }))).toBe('time');
    expect(layerOf(ev({ kind: 'suspect' }))).toBe('time');
    expect(layerOf(ev({ type: 'ClientRequest' }))).toBe('messaging');
    expect(layerOf(ev({ kind: 'timer', type: 'pubTimeout' }))).toBe('messaging');
    expect(layerOf(ev({ kind: 'crash' }))).toBe('any');
    expect(layerOf(ev({ kind: 'violation' }))).toBe('any');
    expect(watched('raft', ev({ type: 'Ping' }))).toBe(false);
    expect(watched('time', ev({ type: 'Ping' }))).toBe(true);
    expect(watched('messaging', ev({ kind: 'propose' }))).toBe(true);
    expect(watched('all', ev({ type: 'Ping' }))).toBe(true);
  });

  it('the messages and events of issue 13 are Raft; adding, removing and transferring stop every watcher', () => {
    for (const type of ['PreVote', 'PreVoteReply', 'InstallSnapshot', 'InstallSnapshotReply', 'TimeoutNow', 'ReadIndex', 'ReadIndexReply']) {
      expect(layerOf(ev({ type })), type).toBe('raft');
      expect(layerOf(ev({ kind: 'deliver', type })), type).toBe('raft');
    }
    for (const kind of ['config', 'configCommitted', 'membership', 'removed', 'stepDown', 'snapshot', 'restore', 'preVoteStart', 'preVote', 'transfer']) {
      expect(layerOf(ev({ kind })), kind).toBe('raft');
    }
    for (const kind of ['addNode', 'removeNode', 'transferLeadership']) expect(layerOf(ev({ kind })), kind).toBe('any');
    expect(watched('messaging', ev({ type: 'TimeoutNow' }))).toBe(false);
  });

  it('the Step button moves to the next event of the kind chosen beside it; the narration says what it passed over', () => {
    render(
      <>
        <Toolbar />
        <Narration />
      </>,
    );
    const kind = screen.getByRole('combobox', { name: 'Step to' }) as HTMLSelectElement;
    expect(kind.value).toBe('raft');
    const step = screen.getByRole('button', { name: 'Step' });
    fireEvent.click(step);
    rAct(() => finishTask());
    expect(screen.getByRole('region', { name: 'What just happened' }).textContent).toMatch(/timed out and started an election for term 1/);
    expect(screen.getByTestId('step-skipped').textContent).toMatch(/^Step passed over \d+ events of other kinds/);

    fireEvent.change(kind, { target: { value: 'all' } });
    expect(useSim.getState().stepKind).toBe('all');
    const before = getDriver().cluster.eventCount;
    fireEvent.click(step);
    expect(getDriver().cluster.eventCount).toBe(before + 1);
    expect(screen.queryByTestId('step-skipped')).toBeNull();
  });
});

describe('what a Step passed over', () => {
  it('after a PUB, the next Raft step names the Pub/sub events it passed over, not pings and clock sync (audit r6 learner #4)', () => {
    render(
      <>
        <Toolbar />
        <Narration />
      </>,
    );
    rAct(() => {
      runUntilLeader();
      finishTask();
    });
    const leader = getDriver().cluster.leader()!;
    const follower = getDriver().cluster.nodeIds.find((id) => id !== leader)!;
    rAct(() => void act('command', [follower, 'PUB demo hello']));
    // Raft steps until one passes over the PUB's arrival at the follower and its forwarding.
    let text = '';
    for (let i = 0; i < 30 && !/Pub\/sub/.test(text); i++) {
      fireEvent.click(screen.getByRole('button', { name: 'Step' }));
      rAct(() => finishTask());
      text = screen.queryByTestId('step-skipped')?.textContent ?? '';
    }
    const m = /^Step passed over (\d+) events? of other kinds \((.*)\): choose what Step moves to beside the button\.$/.exec(text);
    expect(m, text).not.toBeNull();
    const parts = m![2].split(', ').map((p) => /^(\d+) (.+)$/.exec(p)!);
    expect(parts.map((p) => p[2])).toContain('Pub/sub');
    expect(parts.reduce((sum, p) => sum + Number(p[1]), 0), 'the kinds add up to the count').toBe(Number(m![1]));
  });
});

describe('the inspector’s log grid', () => {
  it('shows every node’s log and commit index as the run has them', async () => {
    runUntilLeader();
    finishTask();
    const leader = getDriver().cluster.leader()!;
    rAct(() => {
      act('propose', [leader, 'a']);
      act('propose', [leader, 'b']);
    });
    render(<Inspector />);
    // The grid loads after the page's first frame (Inspector.tsx).
    const grid = await loaded(screen.findByTestId('log-grid', {}, { timeout: 5000 }));
    const rows = within(grid).getAllByRole('row').slice(1);
    expect(rows.map((r) => r.getAttribute('data-node'))).toEqual(getDriver().views().map((v) => v.id));
    for (const v of getDriver().views()) {
      const row = grid.querySelector(`tr[data-node="${v.id}"]`)!;
      expect(row.getAttribute('data-commit')).toBe(String(v.commitIndex));
      expect([...row.querySelectorAll<HTMLElement>('td[data-term]')].map((td) => Number(td.dataset.term))).toEqual(v.log.map((e) => e.term));
    }
    expect(grid.querySelector(`tr[data-node="${leader}"] td[data-term]:last-of-type`)!.className).toContain('pending');
  });
});
