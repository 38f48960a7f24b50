// Browser entry point: mounts the React app.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { beginLinkPreview, frameTimes, isBusy, loadEngine, seek, seekWork, startWorkload } from './store/sim';
import { App } from './ui/App';
import { drawnMessages, keepSvgCopies } from './ui/ClusterView';
import { initTheme } from './ui/theme';
import './ui/app.css';

/** The parts of the last timedSeek, wall ms (see timedSeek). */
let seekParts: Record<string, number> = {};

/**
 * Resolves with the wall ms from asking for a seek until it is done and the next frame is drawn. Notes
 * its parts for lastSeekParts: the engine's restore and replay, the store update, React's render, the
 * app's own work in that frame (sim + drawing), the wait for the frame (the rest), and, not counted in
 * the total, the browser's style, layout and paint of that frame.
 */
async function timedSeek(t: number): Promise<number> {
  await loadEngine();
  seekWork.engine = 0;
  seekWork.store = 0;
  const start = performance.now();
  seek(t);
  const sync = performance.now();
  let rendered = sync;
  // React renders the store's update in a microtask queued during the seek: this one runs after it.
  queueMicrotask(() => (rendered = performance.now()));
  return new Promise((resolve) => {
    const check = (): void => {
      if (isBusy()) requestAnimationFrame(check);
      else
        requestAnimationFrame(() => {
          const shown = performance.now();
          const frame = Math.max(0, (frameTimes().at(-1) ?? 0) - seekWork.inFrame);
          const parts = { total: shown - start, engine: seekWork.engine, store: seekWork.store, react: rendered - sync, frame, wait: 0, paint: 0 };
          parts.wait = parts.total - parts.engine - parts.store - parts.react - parts.frame;
          seekParts = parts;
          // A task posted from the frame's callbacks runs once the browser has rendered that frame.
          const ch = new MessageChannel();
          ch.port1.onmessage = () => (parts.paint = performance.now() - shown);
          ch.port2.postMessage(0);
          resolve(shown - start);
        });
    };
    check();
  });
}

// A hook for checks in the browser (the e2e tests): per-frame work, timed seeks and their parts, a workload, the messages the canvas drew.
(window as unknown as { wiber: unknown }).wiber = {
  frameTimes, timedSeek, lastSeekParts: () => seekParts, startWorkload, drawnMessages, keepSvgCopies,
  // Seeks made by clicks and keys, timed to the frame that shows them (loaded on demand: not in the first load).
  watchInputSeeks: () => import('./ui/seekProbe').then((m) => void m.watchInputSeeks()),
  inputSeeks: () => import('./ui/seekProbe').then((m) => m.watchInputSeeks()),
};

initTheme();

/** Renders the page; a share link's first frame is its run at t=0, read from the link's options first (zod and the engine load after it). */
async function start(): Promise<void> {
  // Reading a link takes a few ms (its reader loads only for a link); past a limit the page draws its default first frame instead.
  if (/^#[zj]=/.test(location.hash)) {
    const read = import('./store/linkPeek').then(({ peekLink }) => peekLink(location.hash)).catch(() => null);
    const peek = await Promise.race([read, new Promise<null>((resolve) => setTimeout(() => resolve(null), 1000))]);
    beginLinkPreview(peek ?? { run: null, t: null });
  }
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}

void start();
