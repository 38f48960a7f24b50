// Puts the guides into the simulator page: opens on `#guide…` links and the Guides button, shows the
// chapter list or a chapter over the simulator, and the free-play bar after "Try it yourself". The
// chapters, the player and the scenario engine load only when the guide is first opened.
import { Suspense, lazy, useEffect } from 'react';
import { closeGuide, openGuide, syncGuideFromHash, useGuideHost } from './hostState';
import { afterEngine } from '../../store/sim';
import { Layer } from './Layer';

const GuideScreen = lazy(() => afterEngine(() => import('./GuideScreens')).then((m) => ({ default: m.GuideScreen })));
const FreePlayBar = lazy(() => afterEngine(() => import('./GuideScreens')).then((m) => ({ default: m.FreePlayBar })));

/** The "Guides" entry button (for the toolbar). */
export function GuidesButton({ className }: { className?: string }) {
  return (
    <button type="button" className={className ?? 'btn'} onClick={() => openGuide()} title="Interactive guides: learn Raft and Wiber step by step" data-guides="">
      Guides
    </button>
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
      <Layer label="Guide" focusKey={jump} keepInnerFocus onEscape={closeGuide}>
        <Suspense fallback={<p className="guide-loading">Loading the guide…</p>}>
          <GuideScreen />
        </Suspense>
      </Layer>
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
