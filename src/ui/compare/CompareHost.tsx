// Mounts the comparison layer over the page when it is open, and the toolbar's button that opens it.
import { Suspense, lazy, useEffect, useRef } from 'react';
import { closeCompare, openCompare, useCompare } from './compareState';
import '../guide/host.css';

const CompareView = lazy(() => import('./CompareView').then((m) => ({ default: m.CompareView })));

export function CompareButton() {
  return (
    <button type="button" className="btn" onClick={openCompare} title="Two runs side by side: two branches of this run, or this run on two seeds" data-testid="compare-toolbar">
      Compare
    </button>
  );
}

export function CompareHost() {
  const open = useCompare((s) => s.open);
  const version = useCompare((s) => s.version);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (open) ref.current?.focus();
  }, [open, version]);
  if (!open) return null;
  return (
    <div
      ref={ref}
      className="guide-layer compare-layer"
      role="region"
      aria-label="Compare two runs"
      tabIndex={-1}
      onKeyDown={(e) => {
        e.stopPropagation();
        if (e.key === 'Escape') closeCompare();
      }}
    >
      <Suspense fallback={<p className="guide-loading">Loading…</p>}>
        <CompareView key={version} />
      </Suspense>
    </div>
  );
}
