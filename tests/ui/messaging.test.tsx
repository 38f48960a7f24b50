// @vitest-environment happy-dom
// The pub/sub side of the page: the console speaks the line protocol, topics show in the inspector, clocks and suspicions are drawn.
import { act as rAct, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ClientPanel } from '../../src/ui/ClientPanel';
import { ClocksPanel } from '../../src/ui/ClocksPanel';
import { ClusterView } from '../../src/ui/ClusterView';
import { Inspector } from '../../src/ui/Inspector';
import { act, finishTask, frame, getDriver, runUntilLeader, seek, selectNode, useSim } from '../../src/store/sim';
import { freshRun } from './helpers';
import { loaded } from './loaded';

function run(fn: () => void): void {
  rAct(() => {
    fn();
    finishTask();
  });
}

beforeEach(() => freshRun({ seed: 1, nodes: 3 }));
afterEach(() => cleanup());

describe('console', () => {
  it('PUB then HISTORY through a follower: redirected to the leader, then read back', () => {
    render(<ClientPanel />);
    run(runUntilLeader);
    // Give the followers a heartbeat to learn who leads (before that they answer ERR not_leader).
    run(() => seek(getDriver().now + 100));
    const follower = getDriver().cluster.nodeIds.find((id) => id !== getDriver().cluster.leader())!;
    fireEvent.change(screen.getByRole('combobox', { name: 'At node' }), { target: { value: follower } });
    const line = screen.getByRole('textbox', { name: 'Protocol line' });
    fireEvent.change(line, { target: { value: 'PUB demo <b>hi</b>' } });
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    run(() => seek(getDriver().now + 300));
    fireEvent.change(line, { target: { value: 'HISTORY demo 10' } });
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    run(() => seek(getDriver().now + 300));
    const transcript = screen.getByTestId('transcript');
    expect(transcript.textContent).toContain(`→ ${follower}PUB demo <b>hi</b>`);
    expect(transcript.textContent).toMatch(/OK (REDIRECTED|published)/);
    expect(transcript.textContent).toMatch(/<b>hi<\/b>/);
    expect(transcript.querySelector('b')).toBeNull();
    // The command is an action of the run: it replays.
    expect(getDriver().allActions().filter((a) => a.op === 'command')).toHaveLength(2);
  });

  it('the inspector lists a node’s topics and their records', async () => {
    render(<Inspector />);
    run(runUntilLeader);
    const leader = getDriver().cluster.leader()!;
    rAct(() => {
      act('command', [leader, 'PUB orders first', {}]);
    });
    run(() => seek(getDriver().now + 300));
    rAct(() => selectNode(leader));
    fireEvent.click(await loaded(screen.findByText('orders', {}, { timeout: 5000 })));
    expect(screen.getByText(/first/).textContent).toMatch(/first/);
  });
});

describe('clocks and suspicion', () => {
  it('charts each node’s clock error before and after sync', () => {
    const { container } = render(<ClocksPanel />);
    run(() => seek(3000));
    expect(container.querySelectorAll('svg.clock-chart path')).toHaveLength(6);
    const rows = within(screen.getByRole('table')).getAllByRole('row');
    expect(rows).toHaveLength(4);
  });

  it('each line stays its own node’s, in its own colour, when a node is removed', () => {
    const { container } = render(<ClocksPanel />);
    run(runUntilLeader);
    run(() => seek(getDriver().now + 2000));
    const leader = useSim.getState().leader!;
    const ids = useSim.getState().nodeIds;
    const gone = ids.find((id) => id !== leader)!;
    run(() => act('removeNode', [gone]));
    run(() => seek(getDriver().now + 3000));
    expect(useSim.getState().nodeIds).not.toContain(gone);
    // One solid line per node, the removed one included; each drawn from its own samples.
    const solid = (id: string) => container.querySelector(`svg.clock-chart path[data-node="${id}"]:not([stroke-dasharray])`)!;
    const points = (id: string) => (solid(id).getAttribute('d') ?? '').split(/[ML]/).filter(Boolean).length;
    const samples = getDriver().clockSamples.toArray();
    for (const id of ids) expect(points(id), id).toBe(samples.filter((s) => s.ids.includes(id)).length);
    expect(samples.filter((s) => s.ids.includes(gone)).length).toBeLessThan(samples.length);
    // The table's swatch and the line have one colour per node.
    for (const id of useSim.getState().nodeIds) {
      const row = within(screen.getByRole('table')).getByRole('rowheader', { name: id });
      expect((row.querySelector('.swatch') as HTMLElement).style.background, id).toBe(solid(id).getAttribute('stroke'));
    }
  });

  it('a crashed node is drawn as suspected by the others’ failure detectors', () => {
    const { container } = render(<ClusterView />);
    run(runUntilLeader);
    rAct(() => {
      act('crash', ['n1']);
    });
    run(() => seek(getDriver().now + 1000));
    rAct(() => frame(16));
    const n1 = container.querySelector('g.node[data-node="n1"]')!;
    expect(n1.getAttribute('class')).toMatch(/suspected/);
    expect(n1.getAttribute('aria-label')).toMatch(/suspected by 2/);
  });
});
