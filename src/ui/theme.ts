// The colour theme: light, dark or the system's, remembered in localStorage and applied as data-theme on <html>.
import { useSyncExternalStore } from 'react';

export type ThemeChoice = 'system' | 'light' | 'dark';
export const THEME_KEY = 'wiber-theme';
const CHOICES: readonly ThemeChoice[] = ['system', 'light', 'dark'];

const listeners = new Set<() => void>();

function systemDark(): boolean {
  return typeof window.matchMedia === 'function' && window.matchMedia('(prefers-color-scheme: dark)').matches;
}

/** The remembered choice; storage can be unavailable (private windows, file://), which means "system". */
export function storedTheme(): ThemeChoice {
  try {
    const v = window.localStorage.getItem(THEME_KEY);
    return CHOICES.includes(v as ThemeChoice) ? (v as ThemeChoice) : 'system';
  } catch {
    return 'system';
  }
}

let choice: ThemeChoice = typeof window === 'undefined' ? 'system' : storedTheme();

/** The theme in effect: the choice, or the system's for "system". */
export function resolvedTheme(c: ThemeChoice = choice): 'light' | 'dark' {
  return c === 'system' ? (systemDark() ? 'dark' : 'light') : c;
}

function apply(): void {
  const root = document.documentElement;
  root.dataset.theme = resolvedTheme();
  root.dataset.themeChoice = choice;
  for (const l of listeners) l();
}

export function setTheme(next: ThemeChoice): void {
  choice = next;
  try {
    if (next === 'system') window.localStorage.removeItem(THEME_KEY);
    else window.localStorage.setItem(THEME_KEY, next);
  } catch {
    // Not remembered, still applied.
  }
  apply();
}

/** Applies the remembered theme and follows the system's changes while the choice is "system". */
export function initTheme(): void {
  choice = storedTheme();
  apply();
  if (typeof window.matchMedia !== 'function') return;
  window.matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => {
    if (choice === 'system') apply();
  });
}

export function useTheme(): ThemeChoice {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => choice,
    () => 'system',
  );
}

export const THEME_LABEL: Record<ThemeChoice, string> = { system: 'System', light: 'Light', dark: 'Dark' };
export const THEME_ICON: Record<ThemeChoice, string> = { system: '◐', light: '☀', dark: '☾' };

/** The next choice in the cycle system → light → dark → system. */
export function nextTheme(c: ThemeChoice): ThemeChoice {
  return CHOICES[(CHOICES.indexOf(c) + 1) % CHOICES.length];
}
