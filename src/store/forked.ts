// Whether the run has forked into branches, and the run or branch tree a new run just replaced (set by store/branches.ts, which loads with the engine): all the first screen needs to know of the branch tree.
import { create } from 'zustand';

export interface Replaced {
  /** The run (useSim's runId) that replaced the tree: the offer to bring it back stands while that run is shown. */
  readonly runId: number;
  /** Branches the replaced tree had (1: a single run). */
  readonly branches: number;
  /** The replaced run's seed, its actions (of the branch shown) and the moment it was left at: how a single run is named. */
  readonly seed: number;
  readonly actions: number;
  readonly at: number;
  /** Puts the replaced tree back (its current branch at the moment it was left); an error text if it cannot. */
  readonly restore: () => string | undefined;
}

export const useForked = create<{ forked: boolean; replaced: Replaced | null }>(() => ({ forked: false, replaced: null }));
