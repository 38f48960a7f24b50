// Opens a run link or a run file: validates a link with zod (share.ts), loads the engine (and the YAML parser when the run
// has its own cluster.yaml), rebuilds the run, compares its fingerprint and says why in the link's or file's words when it
// fails; loads only when a link is there (shareLink.ts) or the Share panel is open.
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

/** Where a saved run came from: a link, or a run file (by its name), in the words said about it. */
export type SavedSource = { kind: 'link' } | { kind: 'file'; name: string };

const LINK: SavedSource = { kind: 'link' };

/** What the source is called in a sentence ("the link", "the run file"). */
const called = (src: SavedSource): string => (src.kind === 'link' ? 'the link' : 'the run file');

/**
 * After a saved run has been rebuilt: a warning when the page's run at that moment is not the one saved
 * (its fingerprint differs: the link or file was edited, another version of the simulator made it, or a bug), or undefined.
 */
export function fingerprintWarning(saved: SavedRun, src: SavedSource = LINK): string | undefined {
  if (saved.fingerprint === undefined) return undefined;
  const d = getDriver();
  const here = fingerprint(d.now, d.seq, d.views(true));
  if (here === saved.fingerprint) return undefined;
  const name = called(src);
  const lead = src.kind === 'link' ? `The run opened, but it is not the one shared: its fingerprint at t=${formatMs(d.now)} is ${here}, the shared one` : `Imported ${src.name}, but the run is not the one it saved: its fingerprint at t=${formatMs(d.now)} is ${here}, the run file's`;
  return `${lead} ${saved.fingerprint}: the rebuilt run differs (${name} was edited, another version of the simulator made it, or a bug: if it was not edited, please report ${name}).`;
}

/** How a rebuild that failed on the way says so (store/sim.ts): "Could not load this run: <why>. Nothing was changed." */
const REPLAY_FAILED = /^Could not load this run: ([\s\S]*?)\.? Nothing was changed\.$/;

/**
 * Why a saved run that passed validation could not be rebuilt, said for someone who edited it: its actions
 * replay exact moments of one seed and configuration (event counts and times), so they fit no other.
 */
export function rebuildFailure(err: string, src: SavedSource): string {
  const replay = REPLAY_FAILED.exec(err);
  const opening = src.kind === 'link' ? 'This link could not be opened' : `Could not import ${src.name}`;
  if (replay === null) {
    if (/Nothing was changed\.$/.test(err)) return `${opening}: ${err}`;
    return `${opening}: ${err.replace(/\.?$/, '.')}${src.kind === 'link' ? ` ${ADVICE}` : ''} Nothing was changed.`;
  }
  const its = src.kind === 'link' ? 'This link' : 'This run file';
  const original = src.kind === 'link' ? 'open the original link' : 'import the original file';
  return (
    `${opening}: its actions do not fit its settings (seed, nodes) — ${replay[1]}. ${its} replays exact moments of one seed, so it cannot be edited: ` +
    `to try the same actions on another seed, ${original} and use Share → Compare two runs… → “This run on two seeds”. ` +
    `Nothing was changed: the page's run is as it was.`
  );
}

/** What came of opening a saved run: it failed (why, said for its source), or it opened (with a warning when its fingerprint differs). */
export type OpenResult = { ok: false; error: string } | { ok: true; warning?: string };

/**
 * Rebuilds a saved run (a link's or a file's) and waits until it is on the page; says why not in its source's
 * words, or whether it is the run saved. The page's run stays as it was on failure.
 */
export async function openRun(saved: SavedRun, src: SavedSource): Promise<OpenResult> {
  // A run with its own cluster.yaml needs the YAML parser, which the page loads only when needed.
  if (saved.run.config !== undefined) await loadYaml();
  const runId = useSim.getState().runId;
  const err = openSaved(saved, src.kind === 'link' ? 'The shared run' : 'The imported run');
  let failed = err;
  if (failed === undefined) {
    // The run is rebuilt across frames; a failure on the way leaves its text in the notice (and the old run).
    await idle();
    if (useSim.getState().runId === runId) {
      const notice = useSim.getState().notice;
      failed = notice?.kind === 'error' ? notice.text : 'the run did not load. Nothing was changed.';
    }
  }
  if (failed !== undefined) return { ok: false, error: rebuildFailure(failed, src) };
  const warning = fingerprintWarning(saved, src);
  return warning === undefined ? { ok: true } : { ok: true, warning };
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
    const r = await openRun(parsed.saved, LINK);
    if (!r.ok) {
      showNotice({ kind: 'error', text: r.error });
      return;
    }
    opened = true;
    endLinkPreview(true);
    if (typeof performance.mark === 'function') performance.mark('wiber:shared-moment');
    showNotice(
      r.warning !== undefined
        ? { kind: 'error', text: r.warning }
        : { kind: 'info', text: `Opened a shared run: seed ${parsed.saved.run.seed}, ${plural(parsed.saved.actions.length, 'action')}, at t=${formatMs(parsed.saved.t)}.` },
    );
  } catch (err) {
    showNotice({ kind: 'error', text: `This link could not be opened: ${err instanceof Error ? err.message : String(err)}. ${ADVICE} Nothing was changed.` });
  } finally {
    if (!opened) endLinkPreview(false);
  }
}

