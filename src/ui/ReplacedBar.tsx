// The offer to bring back the run (or tree of branches) a new run replaced (a link, New run, Import…, a lesson's cluster), shown under the notice while that run is.
import { useForked } from '../store/forked';
import { showNotice, useSim } from '../store/sim';
import { isRunHash } from '../store/linkCodec';
import { noteOwnHash } from './shareLink';
import { plural } from './plural';
import { formatMs } from '../store/time';

/** While the run that replaced the learner's run is shown: that run, or its tree of branches, can come back (a new run, a link, a file or a lesson's cluster dropped it). */
export function ReplacedBar() {
  const replaced = useForked((s) => s.replaced);
  const runId = useSim((s) => s.runId);
  if (replaced === null || replaced.runId !== runId) return null;
  const what = replaced.branches > 1 ? `, with its ${replaced.branches} branches` : ` (seed ${replaced.seed}, ${plural(replaced.actions, 'action')}, t = ${formatMs(replaced.at)})`;
  const bringBack = (): void => {
    const err = replaced.restore();
    if (err !== undefined) return showNotice({ kind: 'error', text: `The previous run could not be brought back: ${err}` });
    // The notice above spoke of the run that is going away ("Opened a shared run…"): say which one is back.
    showNotice({ kind: 'info', text: `Brought back the run you had${what}.` });
    // A run link in the address bar (the link that replaced it) no longer describes the page's run: reloaded, it would open that link again.
    if (isRunHash(location.hash)) {
      history.replaceState(null, '', location.pathname + location.search);
      noteOwnHash('');
    }
  };
  return (
    <div className="notice notice-info" role="status" data-testid="replaced">
      <span className="notice-text">This new run replaced the one you had{what}.</span>
      <button type="button" className="btn small" onClick={bringBack}>
        {replaced.branches > 1 ? 'Bring them back' : 'Bring it back'}
      </button>
      <button type="button" className="btn small" onClick={() => useForked.setState({ replaced: null })} aria-label="Dismiss: keep the new run only">
        ✕
      </button>
    </div>
  );
}
