// Shared set-up for UI tests: a fresh run in the store, paused, with UI state reset.
import { finishTask, markFirstFrame, newRun, publish, useSim } from '../../src/store/sim';
import type { RunOptions } from '../../src/store/runOptions';

export function freshRun(run: RunOptions = { seed: 1, nodes: 5 }): void {
  // A test runs after the page's first frame: what waits for it (the log grid, a link's validator) may load.
  markFirstFrame();
  const err = newRun(run);
  if (err) throw new Error(err);
  finishTask();
  useSim.setState({
    playing: false,
    notice: null,
    selection: { node: null, message: null, event: null },
    tab: 'inspect',
    bottomTab: 'events',
    helpOpen: false,
    speedIndex: 3,
    stepKind: 'raft',
    stepSkipped: null,
  });
  publish();
}
