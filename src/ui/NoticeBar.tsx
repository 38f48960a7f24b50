// One line under the toolbar for errors, violations and information (text only, dismissible), and the offer to bring back the run (or tree of branches) a new run replaced.
import { Suspense, lazy } from 'react';
import { useForked } from '../store/forked';
import { dismissNotice, useSim } from '../store/sim';

/** Loaded only when there is a run to offer back (not in the first load). */
const ReplacedBar = lazy(() => import('./ReplacedBar').then((m) => ({ default: m.ReplacedBar })));

export function NoticeBar() {
  const notice = useSim((s) => s.notice);
  const replaced = useForked((s) => s.replaced !== null);
  return (
    <>
      {notice === null ? (
        <div className="notice-slot" />
      ) : (
        <div className={`notice notice-${notice.kind}`} role={notice.kind === 'info' ? 'status' : 'alert'} data-testid="notice">
          <span className="notice-text">{notice.text}</span>
          <button type="button" className="btn small" onClick={dismissNotice} aria-label="Dismiss message">
            ✕
          </button>
        </div>
      )}
      {replaced && (
        <Suspense fallback={null}>
          <ReplacedBar />
        </Suspense>
      )}
    </>
  );
}
