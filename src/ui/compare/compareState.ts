// Whether the comparison of two runs is open, and which runs it starts with (light: the view loads on first use).
import { create } from 'zustand';
import { setPlaying } from '../../store/sim';

export interface CompareState {
  open: boolean;
  /** Bumped on every open, so the view starts again. */
  version: number;
}

export const useCompare = create<CompareState>(() => ({ open: false, version: 0 }));

/** The control that opened the comparison: the focus goes back to it on close (not to the page's body). */
let opener: HTMLElement | null = null;

export function openCompare(): void {
  setPlaying(false);
  if (typeof document !== 'undefined' && document.activeElement instanceof HTMLElement && document.activeElement !== document.body) opener = document.activeElement;
  useCompare.setState((s) => ({ open: true, version: s.version + 1 }));
}

export function closeCompare(): void {
  useCompare.setState({ open: false });
  const back = opener;
  opener = null;
  // Once the layer is gone (the page behind it is no longer inert).
  if (back !== null && typeof requestAnimationFrame === 'function') requestAnimationFrame(() => (back.isConnected ? back.focus() : undefined));
}
