// Which reference-card rule is open (null: the card is closed), shared by every rule chip on the page.
import { create } from 'zustand';

export const useReference = create<{ open: string | null }>(() => ({ open: null }));

/** Opens the card at a rule ('§5.2'); '' opens it at the top. */
export function openRule(id: string): void {
  useReference.setState({ open: id });
}

export function closeReference(): void {
  useReference.setState({ open: null });
}
