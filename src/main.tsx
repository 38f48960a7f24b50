// Browser entry point: mounts the React app.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { frameTimes, isBusy, loadEngine, seek, startWorkload } from './store/sim';
import { App } from './ui/App';
import { drawnMessages, keepSvgCopies } from './ui/ClusterView';
import { initTheme } from './ui/theme';
import './ui/app.css';

/** Resolves with the wall ms from asking for a seek until it is done and the next frame is drawn. */
async function timedSeek(t: number): Promise<number> {
  await loadEngine();
  const start = performance.now();
  seek(t);
  return new Promise((resolve) => {
    const check = (): void => {
      if (isBusy()) requestAnimationFrame(check);
      else requestAnimationFrame(() => resolve(performance.now() - start));
    };
    check();
  });
}

// A hook for checks in the browser (the e2e tests): per-frame work, timed seeks, a workload, the messages the canvas drew.
(window as unknown as { wiber: unknown }).wiber = { frameTimes, timedSeek, startWorkload, drawnMessages, keepSvgCopies };

initTheme();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
