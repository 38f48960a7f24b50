// @vitest-environment happy-dom
// Opening a saved run by Import run…: it compares the rebuilt run's fingerprint with the file's, as a link does, and says so in a run file's words.
import { act as rAct, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fingerprint } from '../../src/store/fingerprint';
import { type SavedRun } from '../../src/store/share';
import { act, finishTask, getDriver, seek } from '../../src/store/sim';
import { SharePanel, currentSaved } from '../../src/ui/SharePanel';
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
      `Imported run-fp.json, but the run is not the one it saved: its fingerprint at t=800.0 ms is ${saved.fingerprint}, the run file's deadbeef: the rebuilt run differs (another version of the simulator made the run file, or a bug: please report the run file).`,
    );
    expect(said.warning).not.toMatch(/link/);
  });

  it('a run file with an action removed is flagged: the rebuilt run is not the one saved', async () => {
    const saved = savedWithTwoCrashes();
    freshRun({ seed: 1, nodes: 5 });
    render(<SharePanel />);
    const said = await importFile('run-fewer.json', { ...saved, actions: saved.actions.slice(0, 1) });
    expect(said.ok).toBeNull();
    expect(said.warning).toMatch(new RegExp(`^Imported run-fewer\\.json, but the run is not the one it saved: its fingerprint at t=800\\.0 ms is [0-9a-f]{8}, the run file's ${saved.fingerprint}: the rebuilt run differs`));
  });
});
