// The welcome a first visit sees (what this is, where to start), remembered as seen in localStorage.
import { create } from 'zustand';

export const WELCOME_KEY = 'wiber-welcomed';

export const useWelcome = create<{ shown: boolean }>(() => ({ shown: false }));

function seen(): boolean {
  try {
    return window.localStorage.getItem(WELCOME_KEY) !== null;
  } catch {
    return false;
  }
}

/** Whether this is a first visit to the plain page (a guide or run link knows where it is going). */
export function firstVisit(): boolean {
  return !seen() && (location.hash === '' || location.hash === '#');
}

export function showWelcome(): void {
  useWelcome.setState({ shown: true });
}

/** Closes the welcome and remembers it (it stays reachable from the "?" dialog). */
export function dismissWelcome(): void {
  try {
    window.localStorage.setItem(WELCOME_KEY, '1');
  } catch {
    // Not remembered: it shows again next time, nothing worse.
  }
  useWelcome.setState({ shown: false });
}
