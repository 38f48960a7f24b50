// Puts the guides into the simulator page: opens on `#guide…` links and the Guides button, shows the
// chapter list or a chapter over the simulator, and the free-play bar after "Try it yourself". The
// chapters, the player and the scenario engine load only when the guide is first opened.
import { Suspense, lazy, useEffect, useRef, type ReactNode } from 'react';
import { openGuide, syncGuideFromHash, useGuideHost } from './hostState';
import './host.css';

const GuideScreen = lazy(() => import('./GuideScreens').then((m) => ({ default: m.GuideScreen })));
const FreePlayBar = lazy(() => import('./GuideScreens').then((m) => ({ default: m.FreePlayBar })));

/** The "Guides" entry button (for the toolbar). */
export function GuidesButton({ className }: { className?: string }) {
  return (
    <button type="button" className={className ?? 'btn'} onClick={() => openGuide()} title="Interactive guides: learn Raft and Wiber step by step">
      Guides
    </button>
  );
}

/** The full-page layer over the simulator; holds the keyboard focus so the simulator's shortcuts stay quiet. */
function GuideLayer({ jump, children }: { jump: number; children: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (el !== null && !el.contains(document.activeElement)) el.focus();
  }, [jump]);
  return (
    <div
      ref={ref}
      className="guide-layer"
      role="region"
      aria-label="Guide"
      tabIndex={-1}
      // The simulator's keyboard shortcuts act on a cluster hidden behind the guide: keep keys here.
      onKeyDown={(e) => e.stopPropagation()}
    >
      {children}
    </div>
  );
}

/**
 * Mount once in the page. Shows the guide layer when open, the free-play bar after "Try it yourself",
 * and (with `entry`) a floating Guides button for pages that have no other entry.
 */
export function GuideHost({ entry = false }: { entry?: boolean }) {
  const open = useGuideHost((s) => s.open);
  const jump = useGuideHost((s) => s.jump);
  const freePlay = useGuideHost((s) => s.freePlay !== undefined);
  useEffect(() => {
    syncGuideFromHash();
    window.addEventListener('hashchange', syncGuideFromHash);
    return () => window.removeEventListener('hashchange', syncGuideFromHash);
  }, []);
  if (open) {
    return (
      <GuideLayer jump={jump}>
        <Suspense fallback={<p className="guide-loading">Loading the guide…</p>}>
          <GuideScreen />
        </Suspense>
      </GuideLayer>
    );
  }
  return (
    <>
      {freePlay && (
        <Suspense fallback={null}>
          <FreePlayBar />
        </Suspense>
      )}
      {entry && !freePlay && (
        <div className="guide-entry">
          <GuidesButton />
        </div>
      )}
    </>
  );
}
