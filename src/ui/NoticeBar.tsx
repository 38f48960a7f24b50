// One line under the toolbar for errors, violations and information (text only, dismissible).
import { dismissNotice, useSim } from '../store/sim';

export function NoticeBar() {
  const notice = useSim((s) => s.notice);
  if (notice === null) return <div className="notice-slot" />;
  return (
    <div className={`notice notice-${notice.kind}`} role={notice.kind === 'info' ? 'status' : 'alert'} data-testid="notice">
      <span className="notice-text">{notice.text}</span>
      <button type="button" className="btn small" onClick={dismissNotice} aria-label="Dismiss message">
        ✕
      </button>
    </div>
  );
}
