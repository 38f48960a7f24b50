// Opens a run link: validates it with zod (share.ts), loads the engine (and the YAML parser when the run has its own
// cluster.yaml), rebuilds the run and ends the link's first frame; loads only when a link is there (shareLink.ts).
import { loadYaml } from '../sim/yaml';
import { afterFirstFrame, endLinkPreview, getDriver, isBusy, loadEngine, showNotice, useSim } from '../store/sim';
import { plural } from './plural';
import { openSaved } from './shareLink';
import { fingerprint } from '../store/fingerprint';
import type { SavedRun } from '../store/share';
import { formatMs } from '../store/time';

/** Resolves once no run is loading (a run is rebuilt in slices across frames). */
function idle(): Promise<void> {
  return new Promise((resolve) => {
    const check = (): void => (isBusy() ? void requestAnimationFrame(check) : resolve());
    check();
  });
}

/**
 * After a saved run has been rebuilt: a warning when the page's run at that moment is not the one shared
 * (its fingerprint differs: most likely made by another version of the simulator), or undefined.
 */
export function fingerprintWarning(saved: SavedRun): string | undefined {
  if (saved.fingerprint === undefined) return undefined;
  const d = getDriver();
  const here = fingerprint(d.now, d.seq, d.views(true));
  return here === saved.fingerprint ? undefined : `The run opened, but it is not the one shared: its fingerprint at t=${formatMs(d.now)} is ${here}, the shared one ${saved.fingerprint}: the rebuilt run differs (another version of the simulator made the link, or a bug: please report the link).`;
}

/** What to do about a link that does not open (said after why). */
const ADVICE = 'Check that the whole link was copied, or ask whoever shared it for a fresh one.';

/** Opens a run link (`onLoad`: the one the page was opened with, whose first frame is on its way). */
export async function openHash(hash: string, onLoad = false): Promise<void> {
  // On load the link's first frame (its run at t=0, main.tsx) goes on screen first; the validator and the engine load after it.
  if (onLoad) await afterFirstFrame();
  let opened = false;
  try {
    const [{ decodeHash }] = await Promise.all([import('../store/share'), loadEngine()]);
    const parsed = await decodeHash(hash);
    if (!parsed.ok) {
      showNotice({ kind: 'error', text: `This link could not be opened: ${parsed.error}. ${ADVICE} Nothing was changed.` });
      return;
    }
    // A run with its own cluster.yaml needs the YAML parser, which the page loads only when needed.
    if (parsed.saved.run.config !== undefined) await loadYaml();
    const runId = useSim.getState().runId;
    const err = openSaved(parsed.saved);
    if (err) {
      showNotice({ kind: 'error', text: `This link could not be opened: ${err}` });
      return;
    }
    // The run is rebuilt across frames; a failure on the way leaves its own error (and the old run).
    await idle();
    opened = useSim.getState().runId !== runId;
    if (!opened) return;
    endLinkPreview(true);
    if (typeof performance.mark === 'function') performance.mark('wiber:shared-moment');
    const differs = fingerprintWarning(parsed.saved);
    showNotice(
      differs !== undefined
        ? { kind: 'error', text: differs }
        : { kind: 'info', text: `Opened a shared run: seed ${parsed.saved.run.seed}, ${plural(parsed.saved.actions.length, 'action')}, at t=${formatMs(parsed.saved.t)}.` },
    );
  } catch (err) {
    showNotice({ kind: 'error', text: `This link could not be opened: ${err instanceof Error ? err.message : String(err)}. ${ADVICE} Nothing was changed.` });
  } finally {
    if (!opened) endLinkPreview(false);
  }
}

