// Whether the comparison of two runs is open, and which runs it starts with (light: the view loads on first use).
import { create } from 'zustand';
import { setPlaying } from '../../store/sim';

export interface CompareState {
  open: boolean;
  /** Bumped on every open, so the view starts again. */
  version: number;
}

export const useCompare = create<CompareState>(() => ({ open: false, version: 0 }));

export function openCompare(): void {
  setPlaying(false);
  useCompare.setState((s) => ({ open: true, version: s.version + 1 }));
}

export function closeCompare(): void {
  useCompare.setState({ open: false });
}
