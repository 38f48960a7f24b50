// @vitest-environment happy-dom
// The branch tree: acting in the past keeps the old future as a branch; switching replays a branch exactly; a new run starts a new tree and offers the old run back.
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { createElement } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { resetBranches, savedBranches, switchBranch, useBranches } from '../../src/store/branches';
import { fingerprint } from '../../src/store/fingerprint';
import { useForked } from '../../src/store/forked';
import { act, actWithResult, finishTask, getDriver, newRun, runUntilElection, seek, startWorkload, useSim } from '../../src/store/sim';
import { encodeHash, savedRun } from '../../src/store/share';
import { ReplacedBar } from '../../src/ui/ReplacedBar';
import { openHash } from '../../src/ui/shareOpen';
import { freshRun } from './helpers';

const fp = (): string => {
  const d = getDriver();
  return fingerprint(d.now, d.seq, d.views(true));
};
const settle = async (): Promise<void> => {
  finishTask();
  await Promise.resolve();
  finishTask();
};

describe('branches', () => {
  beforeEach(() => {
    freshRun({ seed: 4, nodes: 5 });
    resetBranches();
  });
  afterEach(() => cleanup());

  it('a fork keeps the old future as a branch, and switching back replays it exactly', async () => {
    seek(1000);
    finishTask();
    act('crash', ['n1']);
    seek(2000);
    finishTask();
    const firstEnd = fp();
    seek(500);
    finishTask();
    act('crash', ['n2']);
    seek(1500);
    finishTask();
    const s = useBranches.getState();
    expect(s.branches).toHaveLength(2);
    expect(s.current).toBe(2);
    const b1 = savedBranches().find((b) => b.id === 1)!;
    expect(b1.end).toBe(2000);
    expect(b1.actions.map((a) => `${a.op} ${String(a.args[0])}`)).toEqual(['crash n1']);
    const b2 = savedBranches().find((b) => b.id === 2)!;
    expect(b2).toMatchObject({ parent: 1, forkAt: 500, label: 'crash n2' });
    expect(b2.actions.map((a) => `${a.op} ${String(a.args[0])}`)).toEqual(['crash n2']);

    // Back to branch 1: the same moment (1.5 s), then its end is exactly the run it was.
    expect(switchBranch(1)).toBeUndefined();
    await settle();
    expect(useBranches.getState().current).toBe(1);
    expect(getDriver().now).toBe(1500);
    expect(useSim.getState().horizon).toBe(2000);
    seek(2000);
    finishTask();
    expect(fp()).toBe(firstEnd);
    expect(useBranches.getState().branches).toHaveLength(2);

    // A fork of branch 1 before branch 2's fork hangs off branch 1; one inside branch 2 after its fork hangs off branch 2.
    seek(300);
    finishTask();
    act('timeout', ['n3']);
    expect(useBranches.getState().branches.at(-1)).toMatchObject({ id: 3, parent: 1, forkAt: 300 });
    expect(switchBranch(2)).toBeUndefined();
    await settle();
    seek(800);
    finishTask();
    act('restart', ['n2']);
    expect(useBranches.getState().branches.at(-1)).toMatchObject({ id: 4, parent: 2, forkAt: 800 });
  });

  it('a branch that was publishing goes on publishing when switched back to, exactly as before (audit r5)', async () => {
    seek(1000);
    finishTask();
    expect(startWorkload({ publishers: 3, rate: 5, topics: 2 })).toBeUndefined();
    seek(3000);
    finishTask();
    // The first branch played on to 4 s: what it looked like there.
    seek(4000);
    finishTask();
    const firstAt4 = fp();
    const issuedAt4 = getDriver().cluster.actions().filter((a) => a.op === 'publish').length;
    expect(issuedAt4).toBeGreaterThan(30);
    seek(2000);
    finishTask();
    act('crash', ['n3']);
    seek(2500);
    finishTask();
    expect(switchBranch(1)).toBeUndefined();
    await settle();
    expect(getDriver().workloadState()).not.toBeNull();
    seek(4000);
    finishTask();
    expect(fp()).toBe(firstAt4);
    // And on past its known end it keeps publishing.
    seek(5000);
    finishTask();
    expect(getDriver().cluster.actions().filter((a) => a.op === 'publish').length).toBeGreaterThan(issuedAt4 + 10);
  });

  it('two forks at the same instant, each before the other’s action, are siblings', () => {
    seek(1000);
    finishTask();
    seek(0);
    finishTask();
    runUntilElection();
    finishTask();
    const te = getDriver().now;
    act('crash', ['n2']);
    seek(0);
    finishTask();
    runUntilElection();
    finishTask();
    expect(getDriver().now).toBe(te);
    act('crash', ['n3']);
    expect(useBranches.getState().branches.map((b) => [b.id, b.parent, b.forkAt])).toEqual([
      [1, null, 0],
      [2, 1, te],
      [3, 1, te],
    ]);
  });

  it('an action the engine refuses in the past forks nothing: the future, the branches and the state stay as they were', () => {
    seek(2000);
    finishTask();
    seek(500);
    finishTask();
    const here = fp();
    const r = actWithResult('setClock', ['n1', { driftPpm: -1_000_000 }]);
    expect(r.ok).toBe(false);
    expect(useSim.getState().notice?.text).toMatch(/driftPpm.*Nothing was changed\.$/);
    expect(useBranches.getState().branches).toHaveLength(1);
    expect(useBranches.getState().current).toBe(1);
    expect(fp()).toBe(here);
    expect(getDriver().inPast).toBe(true);
    expect(useSim.getState().horizon).toBe(2000);
    // The known future is still there: End goes back to 2 s.
    seek(2000);
    finishTask();
    expect(getDriver().now).toBe(2000);
    // An action that is taken forks as before.
    seek(500);
    finishTask();
    expect(actWithResult('crash', ['n1']).ok).toBe(true);
    expect(useBranches.getState().branches).toHaveLength(2);
  });

  it('a new run starts a new tree', () => {
    seek(400);
    finishTask();
    act('crash', ['n1']);
    seek(200);
    finishTask();
    act('crash', ['n2']);
    expect(useBranches.getState().branches).toHaveLength(2);
    newRun({ seed: 9, nodes: 3 });
    finishTask();
    expect(useBranches.getState().branches).toHaveLength(1);
    expect(useBranches.getState().branches[0].run.seed).toBe(9);
  });

  it('a new run that replaced a tree of branches offers it back, at the branch and moment left', async () => {
    seek(400);
    finishTask();
    act('crash', ['n1']);
    seek(900);
    finishTask();
    seek(200);
    finishTask();
    act('crash', ['n2']);
    seek(700);
    finishTask();
    const left = fp();
    const before = savedBranches();
    expect(useForked.getState().replaced).toBeNull();
    newRun({ seed: 9, nodes: 3 });
    finishTask();
    const offer = useForked.getState().replaced;
    expect(offer).toMatchObject({ runId: useSim.getState().runId, branches: 2 });
    expect(offer!.restore()).toBeUndefined();
    await settle();
    expect(useForked.getState().replaced, 'the offer is gone once taken').toBeNull();
    expect(useBranches.getState().current).toBe(2);
    expect(savedBranches()).toEqual(before);
    expect(getDriver().now).toBe(700);
    expect(fp(), 'the very state the learner left').toBe(left);
    // A run with nothing on it (no action, at t = 0): nothing to offer.
    newRun({ seed: 9, nodes: 3 });
    finishTask();
    expect(useForked.getState().replaced, 'a tree of branches was replaced again').not.toBeNull();
    newRun({ seed: 10, nodes: 3 });
    finishTask();
    expect(useForked.getState().replaced).toBeNull();
  });

  it('a new run that replaced a single run with an action offers it back, named by its seed, actions and moment (audit r6 teacher #5)', async () => {
    seek(300);
    finishTask();
    act('crash', ['n3']);
    seek(800);
    finishTask();
    const left = fp();
    const actions = getDriver().allActions();
    newRun({ seed: 9, nodes: 3 });
    finishTask();
    const offer = useForked.getState().replaced;
    expect(offer).toMatchObject({ runId: useSim.getState().runId, branches: 1, seed: 4, actions: 1, at: 800 });
    render(createElement(ReplacedBar));
    expect(screen.getByTestId('replaced').textContent).toBe('This new run replaced the one you had (seed 4, 1 action, t = 800.0 ms).Bring it back✕');
    fireEvent.click(screen.getByRole('button', { name: 'Bring it back' }));
    await settle();
    expect(screen.queryByTestId('replaced'), 'the offer is gone once taken').toBeNull();
    expect(useSim.getState().run.seed).toBe(4);
    expect(getDriver().now).toBe(800);
    expect(getDriver().allActions()).toEqual(actions);
    expect(fp(), 'the very state the learner left').toBe(left);
    expect(useBranches.getState().branches).toHaveLength(1);
  });

  it('a run with no action but time past 0 is offered back too; one at t = 0 with no action is not', async () => {
    seek(600);
    finishTask();
    newRun({ seed: 9, nodes: 3 });
    finishTask();
    expect(useForked.getState().replaced).toMatchObject({ branches: 1, seed: 4, actions: 0, at: 600 });
    render(createElement(ReplacedBar));
    expect(screen.getByTestId('replaced').textContent).toMatch(/^This new run replaced the one you had \(seed 4, 0 actions, t = 600\.0 ms\)\.Bring it back/);
    cleanup();
    newRun({ seed: 10, nodes: 3 });
    finishTask();
    expect(useForked.getState().replaced, 'seed 9 at t = 0 had nothing to lose').toBeNull();
    // The page's default run, played with no action (as on load, or before a guide's hand-off), comes back by playing it.
    newRun({ seed: 1, nodes: 5 });
    finishTask();
    seek(700);
    finishTask();
    newRun({ seed: 11, nodes: 3 });
    finishTask();
    expect(useForked.getState().replaced, 'the default run with no action').toBeNull();
  });

  it('a run link opened in the same tab offers the learner\'s single run back (audit r6 teacher #5)', async () => {
    seek(300);
    finishTask();
    act('crash', ['n3']);
    seek(800);
    finishTask();
    const left = fp();
    const link = await encodeHash(savedRun({ seed: 1, nodes: 5 }, [], 1500));
    const opening = openHash(link);
    await vi.waitFor(async () => {
      finishTask();
      expect(await Promise.race([opening.then(() => true), new Promise((r) => setTimeout(() => r(false), 10))])).toBe(true);
    });
    expect(useSim.getState().notice?.text).toMatch(/^Opened a shared run: seed 1, 0 actions, at t=1\.5 s\./);
    render(createElement(ReplacedBar));
    expect(screen.getByTestId('replaced').textContent).toMatch(/^This new run replaced the one you had \(seed 4, 1 action, t = 800\.0 ms\)\./);
    fireEvent.click(screen.getByRole('button', { name: 'Bring it back' }));
    await settle();
    expect(getDriver().now).toBe(800);
    expect(fp()).toBe(left);
    // The notice no longer speaks of the shared run that went away.
    expect(useSim.getState().notice?.text).toBe('Brought back the run you had (seed 4, 1 action, t = 800.0 ms).');
  });
});
