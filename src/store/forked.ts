// Whether the run has forked into branches (set by store/branches.ts, which loads with the engine): all the first screen needs to know of the branch tree.
import { create } from 'zustand';

export const useForked = create<{ forked: boolean }>(() => ({ forked: false }));
