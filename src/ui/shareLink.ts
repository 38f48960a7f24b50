// Opens a run link found in the address bar (on load and when the hash changes); its opener and the validator load only when a link is there.
import { useEffect } from 'react';
import { afterFirstFrame, endLinkPreview, newRun, setPlaying, showNotice } from '../store/sim';
import type { SavedRun } from '../store/share';

/** Opens a saved run paused at its moment; returns an error text (and changes nothing) when it cannot. `by` did its actions. */
export function openSaved(saved: SavedRun, by = 'The shared run'): string | undefined {
  const err = newRun(saved.run, saved.actions, saved.t, by, saved.workload);
  // Show the shared moment as it was: paused there.
  if (!err) setPlaying(false);
  return err;
}

let lastHash = '';

/** Remembers a hash this page wrote itself, so it is not opened again. */
export function noteOwnHash(hash: string): void {
  lastHash = hash;
}

const RUN_HASH = /^#[zj]=/;

/** Opens a run link (its opener loads only when there is one); a hash this page wrote itself is left alone. */
function openHash(hash: string, onLoad = false): void {
  if (!RUN_HASH.test(hash) || hash === lastHash) return;
  lastHash = hash;
  // On load the link's first frame goes on screen first (main.tsx); its opener, the validator and the engine load after it.
  (onLoad ? afterFirstFrame() : Promise.resolve()).then(() => import('./shareOpen')).then(
    (m) => m.openHash(hash, onLoad),
    (err: unknown) => {
      endLinkPreview(false);
      showNotice({ kind: 'error', text: `This link could not be opened (${err instanceof Error ? err.message : String(err)}). Nothing was changed.` });
    },
  );
}

/** Opens a run link in the address bar on load and whenever the hash changes. */
export function useShareLinkOnLoad(): void {
  useEffect(() => {
    openHash(location.hash, true);
    const onHash = (): void => openHash(location.hash);
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
}
