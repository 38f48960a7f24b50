// Mounts the comparison layer over the page when it is open, and the toolbar's button that opens it.
import { Suspense, lazy } from 'react';
import { afterEngine } from '../../store/sim';
import { Layer } from '../guide/Layer';
import { closeCompare, openCompare, useCompare } from './compareState';

const CompareView = lazy(() => afterEngine(() => import('./CompareView')).then((m) => ({ default: m.CompareView })));

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
  if (!open) return null;
  return (
    <Layer label="Compare two runs" className="compare-layer" focusKey={version} onEscape={closeCompare}>
      <Suspense fallback={<p className="guide-loading">Loading…</p>}>
        <CompareView key={version} />
      </Suspense>
    </Layer>
  );
}
