// Whether the run has forked into branches, and a branch tree a new run just replaced (set by store/branches.ts, which loads with the engine): all the first screen needs to know of the branch tree.
import { create } from 'zustand';

export interface Replaced {
  /** The run (useSim's runId) that replaced the tree: the offer to bring it back stands while that run is shown. */
  readonly runId: number;
  /** Branches the replaced tree had. */
  readonly branches: number;
  /** Puts the replaced tree back (its current branch at the moment it was left); an error text if it cannot. */
  readonly restore: () => string | undefined;
}

export const useForked = create<{ forked: boolean; replaced: Replaced | null }>(() => ({ forked: false, replaced: null }));
