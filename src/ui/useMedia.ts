// Whether a CSS media query matches, as React state (for the few layouts that differ in markup, not only in CSS).
import { useSyncExternalStore } from 'react';

/** A finger is the main pointer (no keyboard to speak of): hints name buttons to tap, not keys. */
export const COARSE = '(pointer: coarse)';
/** Below this width the page is one column and the toolbar folds into menus (keep app.css in step). */
export const NARROW = '(max-width: 1099px)';
/** Phones and tablets: the toolbar folds its run-to buttons and page actions into menus (two rows). */
export const COMPACT = '(max-width: 1023px)';
/** Small laptops: the toolbar also folds its run-to buttons into a menu to stay one row (keep app.css in step). */
export const SNUG = '(max-width: 1279px)';
/** Laptops: the toolbar folds "To start" and "New run" into a menu to stay one row (keep app.css in step). */
export const MEDIUM = '(max-width: 1719px)';

/**
 * One MediaQueryList per query: React reads the value at every render and store update, and `matchMedia`
 * built a new list each time (a visible share of the page's work after a seek: issue 11). Dropped when
 * `matchMedia` itself is replaced (tests stub it).
 */
let lists = new Map<string, MediaQueryList>();
let listsOf: typeof window.matchMedia | null = null;

function matches(query: string): boolean {
  if (typeof window === 'undefined' || typeof window.matchMedia !== 'function') return false;
  if (listsOf !== window.matchMedia) {
    lists = new Map();
    listsOf = window.matchMedia;
  }
  let m = lists.get(query);
  if (m === undefined) {
    m = window.matchMedia(query);
    lists.set(query, m);
  }
  return m.matches;
}

export function useMedia(query: string): boolean {
  return useSyncExternalStore(
    (onChange) => {
      if (typeof window === 'undefined' || typeof window.matchMedia !== 'function') return () => {};
      const m = window.matchMedia(query);
      m.addEventListener('change', onChange);
      return () => m.removeEventListener('change', onChange);
    },
    () => matches(query),
    () => false,
  );
}

/** Touch-sized controls (44 px targets): tablets and phones, or any coarse pointer (keep app.css in step). */
export const TOUCH = '(max-width: 1024px), (pointer: coarse)';
