// Runs work the page can put off until the learner has left it alone a moment: a timeout, then the browser's idle callback.

/** Runs `f` when the browser is idle at least `ms` from now; returns a cancel. */
export function whenIdle(ms: number, f: () => void): () => void {
  let idle: number | undefined;
  const h = setTimeout(() => {
    if (typeof requestIdleCallback === 'function') idle = requestIdleCallback(f, { timeout: 500 });
    else f();
  }, ms);
  return () => {
    clearTimeout(h);
    if (idle !== undefined) cancelIdleCallback(idle);
  };
}
