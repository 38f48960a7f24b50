// An element's width as React state, for drawings sized in pixels (the timeline, the branch tree, the clocks chart).
import { useLayoutEffect, useState, type RefObject } from 'react';
import { flushSync } from 'react-dom';

/**
 * The width `measure` reads from the element (its clientWidth by default; `fallback` while it reads 0),
 * kept up to date as the element resizes. Measured before the first paint, and re-rendered within the
 * frame that resized it (flushSync in the observer), so a drawing never shows a frame at its old width —
 * which, when the window narrows, would make the page wider than the window for that frame.
 */
export function useWidth(ref: RefObject<HTMLElement | null>, fallback: number, measure: (el: HTMLElement) => number = (el) => el.clientWidth): number {
  const [w, setW] = useState(fallback);
  useLayoutEffect(() => {
    const el = ref.current;
    if (el === null) return;
    const read = (): number => measure(el) || fallback;
    setW(read());
    if (typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(() => flushSync(() => setW(read())));
    ro.observe(el);
    return () => ro.disconnect();
    // The measure function is fixed per call site; a new closure each render must not re-observe.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [ref, fallback]);
  return w;
}
