// @vitest-environment happy-dom
// Opening a saved run by link or by Import run…: both compare the rebuilt run's fingerprint with the saved one, and an edited link or file is told so in its own words.
import { act as rAct, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fingerprint } from '../../src/store/fingerprint';
import { encodeHash, type SavedRun } from '../../src/store/share';
import { act, finishTask, getDriver, seek, useSim } from '../../src/store/sim';
import { SharePanel, currentSaved } from '../../src/ui/SharePanel';
import { openHash, rebuildFailure } from '../../src/ui/shareOpen';
import { freshRun } from './helpers';

const fp = (): string => {
  const d = getDriver();
  return fingerprint(d.now, d.seq, d.views(true));
};

function run(fn: () => void): void {
  rAct(() => {
    fn();
    finishTask();
  });
}

/** A run on seed 1 with two crashes, paused at 800 ms, as Export run saves it. */
function savedWithTwoCrashes(): SavedRun {
  run(() => seek(300));
  run(() => void act('crash', ['n3']));
  run(() => seek(500));
  run(() => void act('crash', ['n1']));
  run(() => seek(800));
  return currentSaved();
}

/** The page's run as it stands (to check that a refused file changed nothing). */
const pageRun = (): { runId: number; print: string; now: number } => ({ runId: useSim.getState().runId, print: fp(), now: getDriver().now });

/** Imports `saved` as a file named `name` through the Share panel, and waits for what the panel says. */
async function importFile(name: string, saved: unknown): Promise<{ error: string | null; warning: string | null; ok: string | null }> {
  const file = new File([JSON.stringify(saved, null, 2)], name, { type: 'application/json' });
  fireEvent.change(screen.getByTestId('import-file'), { target: { files: [file] } });
  await vi.waitFor(
    () => {
      // The page's frame loop is not running here: the rebuild is finished by hand.
      rAct(() => finishTask());
      expect(screen.queryByTestId('import-error') ?? screen.queryByTestId('import-warning') ?? screen.queryByRole('status')).not.toBeNull();
    },
    { timeout: 5000, interval: 20 },
  );
  return {
    error: screen.queryByTestId('import-error')?.textContent ?? null,
    warning: screen.queryByTestId('import-warning')?.textContent ?? null,
    ok: screen.queryByRole('status')?.textContent ?? null,
  };
}

/** Opens `saved` as a run link and returns the notice it leaves. */
async function openLink(saved: SavedRun): Promise<string> {
  const opening = openHash(await encodeHash(saved));
  await vi.waitFor(
    async () => {
      finishTask();
      expect(await Promise.race([opening.then(() => true), new Promise((r) => setTimeout(() => r(false), 10))])).toBe(true);
    },
    { timeout: 5000, interval: 20 },
  );
  return useSim.getState().notice?.text ?? '';
}

beforeEach(() => freshRun({ seed: 1, nodes: 5 }));
afterEach(() => cleanup());

describe('Import run… checks the run it rebuilds against the file', () => {
  it('a good run file opens without a warning, at the moment and fingerprint it saved', async () => {
    const saved = savedWithTwoCrashes();
    freshRun({ seed: 1, nodes: 5 });
    render(<SharePanel />);
    const said = await importFile('run.json', saved);
    expect(said).toEqual({ error: null, warning: null, ok: 'Imported run.json: seed 1, 2 actions.' });
    expect(fp()).toBe(saved.fingerprint);
  });

  it('a run file whose fingerprint was changed opens, and is flagged in the words of a run file', async () => {
    const saved = savedWithTwoCrashes();
    freshRun({ seed: 1, nodes: 5 });
    render(<SharePanel />);
    const said = await importFile('run-fp.json', { ...saved, fingerprint: 'deadbeef' });
    expect(said.ok).toBeNull();
    expect(said.warning).toBe(
      `Imported run-fp.json, but the run is not the one it saved: its fingerprint at t=800.0 ms is ${saved.fingerprint}, the run file's deadbeef: the rebuilt run differs (the run file was edited, another version of the simulator made it, or a bug: if it was not edited, please report the run file).`,
    );
    expect(said.warning).not.toMatch(/link/);
  });

  it('a run file with an action removed is flagged: the rebuilt run is not the one saved', async () => {
    const saved = savedWithTwoCrashes();
    freshRun({ seed: 1, nodes: 5 });
    render(<SharePanel />);
    const said = await importFile('run-fewer.json', { ...saved, actions: saved.actions.slice(0, 1) });
    expect(said.ok).toBeNull();
    expect(said.warning).toMatch(new RegExp(`^Imported run-fewer\\.json, but the run is not the one it saved: its fingerprint at t=800\\.0 ms is [0-9a-f]{8}, the run file's ${saved.fingerprint}: .*the run file was edited`));
  });

  it('a run file whose actions do not fit its seed is refused: a run file cannot be edited, Compare tries them on another seed, and the page keeps its run', async () => {
    const saved = savedWithTwoCrashes();
    const before = pageRun();
    render(<SharePanel />);
    const said = await importFile('run-seed2.json', { ...saved, run: { ...saved.run, seed: 2 } });
    expect(said.ok).toBeNull();
    expect(said.error).toMatch(
      /^Could not import run-seed2\.json: its actions do not fit its settings \(seed, nodes\) — replay diverged: .+\. This run file replays exact moments of one seed, so it cannot be edited: to try the same actions on another seed, import the original file and use Share → Compare two runs… → “This run on two seeds”\. Nothing was changed: the page's run is as it was\.$/,
    );
    expect(pageRun()).toEqual(before);
    // The panel says it in the file's words; the engine's own wording is not left in the notice above.
    expect(useSim.getState().notice).toBeNull();
  });
});

describe('a run link edited by hand', () => {
  it('with a seed its actions do not fit: says a link cannot be edited and where to try another seed; nothing changes', async () => {
    const saved = savedWithTwoCrashes();
    const before = pageRun();
    const notice = await openLink({ ...saved, run: { ...saved.run, seed: 2 } });
    expect(notice).toMatch(
      /^This link could not be opened: its actions do not fit its settings \(seed, nodes\) — replay diverged: .+\. This link replays exact moments of one seed, so it cannot be edited: to try the same actions on another seed, open the original link and use Share → Compare two runs… → “This run on two seeds”\. Nothing was changed: the page's run is as it was\.$/,
    );
    expect(pageRun()).toEqual(before);
  });

  it('with fewer nodes than its actions name: the same advice', async () => {
    const saved = savedWithTwoCrashes();
    const before = pageRun();
    const notice = await openLink({ ...saved, run: { ...saved.run, nodes: 3 } });
    expect(notice).toMatch(/^This link could not be opened: its actions do not fit its settings \(seed, nodes\) — .+ This link replays exact moments of one seed, so it cannot be edited: .*“This run on two seeds”\. Nothing was changed/);
    expect(pageRun()).toEqual(before);
  });

  it('with actions removed: it opens, and the mismatch names an edited link among the causes', async () => {
    const saved = savedWithTwoCrashes();
    freshRun({ seed: 1, nodes: 5 });
    const notice = await openLink({ ...saved, actions: saved.actions.slice(0, 1) });
    expect(notice).toMatch(new RegExp(`^The run opened, but it is not the one shared: its fingerprint at t=800\\.0 ms is [0-9a-f]{8}, the shared one ${saved.fingerprint}: the rebuilt run differs \\(the link was edited, another version of the simulator made it, or a bug: if it was not edited, please report the link\\)\\.$`));
  });
});

describe('a link that passed validation but could not be rebuilt', () => {
  it('ends its reason with a full stop, and a link gets the advice of the other link errors (audit r7 inputs #6)', () => {
    const why = "Node 'id' must be letters, digits or _.:- only (nodes[0].id)";
    expect(rebuildFailure(why, { kind: 'link' })).toBe(`This link could not be opened: ${why}. Check that the whole link was copied, or ask whoever shared it for a fresh one. Nothing was changed.`);
    expect(rebuildFailure(`${why}.`, { kind: 'file', name: 'run.json' })).toBe(`Could not import run.json: ${why}. Nothing was changed.`);
  });
});
