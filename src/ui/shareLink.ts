// Opens a run link found in the address bar (on load and when the hash changes); the validator loads only when a link is there.
import { useEffect } from 'react';
import { loadYaml } from '../sim/yaml';
import { loadEngine, newRun, setPlaying, showNotice } from '../store/sim';
import type { SavedRun } from '../store/share';
import { plural } from './plural';

/** Opens a saved run paused at its moment; returns an error text (and changes nothing) when it cannot. `by` did its actions. */
export function openSaved(saved: SavedRun, by = 'The shared run'): string | undefined {
  const err = newRun(saved.run, saved.actions, saved.t, by);
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

async function openHash(hash: string): Promise<void> {
  if (!RUN_HASH.test(hash) || hash === lastHash) return;
  lastHash = hash;
  // A link's first frame is the shared run: the engine loads beside the decoder, not after the default's first frame.
  const [{ decodeHash }] = await Promise.all([import('../store/share'), loadEngine()]);
  const parsed = await decodeHash(hash);
  if (!parsed.ok) {
    showNotice({ kind: 'error', text: `This link could not be opened: ${parsed.error}. Nothing was changed.` });
    return;
  }
  // A run with its own cluster.yaml needs the YAML parser, which the page loads only when needed.
  if (parsed.saved.run.config !== undefined) await loadYaml();
  const err = openSaved(parsed.saved);
  if (err) showNotice({ kind: 'error', text: `This link could not be opened: ${err}` });
  else showNotice({ kind: 'info', text: `Opened a shared run: seed ${parsed.saved.run.seed}, ${plural(parsed.saved.actions.length, 'action')}, at t=${parsed.saved.t.toFixed(1)} ms.` });
}

/** Opens a run link in the address bar on load and whenever the hash changes. */
export function useShareLinkOnLoad(): void {
  useEffect(() => {
    void openHash(location.hash);
    const onHash = (): void => void openHash(location.hash);
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
}
