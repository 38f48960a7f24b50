// Share and save: a link that reproduces the run, JSON export/import (validated and fingerprint-checked; bad files change nothing), SVG/PNG export, and the run's fingerprint.
import { useState, type ChangeEvent } from 'react';
import { fingerprint } from '../store/fingerprint';
import { MAX_IMPORT_BYTES, MAX_RUN_MS, encodeHash, parseSaved, parseSavedText, savedRun, type SavedRun } from '../store/share';
import { dismissNotice, getDriver, publish, setPlaying, useSim } from '../store/sim';
import { openCompare } from './compare/compareState';
import { noteOwnHash } from './shareLink';
import { openRun } from './shareOpen';
import { clusterSvg } from './ClusterView';
import { download, exportPng, exportSvg } from './exportImage';
import { spaceTimeSvg } from './SpaceTime';
import { plural } from './plural';
import { formatMs } from '../store/time';

/** What a link reproduces: the run (its id, how many actions it knows and the last one) and the moment it opens at. */
interface LinkMoment {
  readonly runId: number;
  readonly actions: number;
  readonly last: unknown;
  readonly now: number;
}

function momentNow(): LinkMoment {
  const d = getDriver();
  const { count, last } = d.knownActions();
  return { runId: useSim.getState().runId, actions: count, last, now: d.now };
}

const sameRun = (a: LinkMoment, b: LinkMoment): boolean => a.runId === b.runId && a.actions === b.actions && a.last === b.last;

/**
 * Once the page's run is no longer the one the link in the address bar reproduces (another run, another
 * action, a fork), the address bar drops it: copied from there, or reloaded, it would bring back the old run.
 * (A module-level subscription: a hidden Share panel pauses its own effects.)
 */
function dropHashWhenRunChanges(hash: string, made: LinkMoment): void {
  const off = useSim.subscribe(() => {
    if (location.hash !== hash) off();
    else if (!sameRun(momentNow(), made)) {
      history.replaceState(null, '', location.pathname + location.search);
      // The same link pasted back later is news again: it opens.
      noteOwnHash('');
      off();
    }
  });
}

/** The current run as a saved run (all known actions, opened at now). */
export function currentSaved(): SavedRun {
  const d = getDriver();
  const s = useSim.getState();
  return savedRun(s.run, d.allActions(), d.now, fingerprint(d.now, d.seq, d.views(true)), d.workloadState());
}

function Fingerprint() {
  useSim((s) => s.seq);
  const now = useSim((s) => s.now);
  const nodes = useSim((s) => s.nodes);
  const seq = useSim((s) => s.seq);
  return (
    <p className="fingerprint">
      Run fingerprint at t = {formatMs(now)}: <code data-testid="fingerprint">{fingerprint(now, seq, nodes)}</code>
      <span className="muted"> — the same in every copy of this run at this moment.</span>
    </p>
  );
}

export function SharePanel() {
  /** The last link made, and the run and moment it was made for: once the page is elsewhere, it is not shown as this run's. */
  const [made, setMade] = useState<{ link: string; at: LinkMoment } | null>(null);
  useSim((s) => s.now);
  useSim((s) => s.runId);
  useSim((s) => s.actionCount);
  const here = momentNow();
  const current = made !== null && sameRun(here, made.at) && here.now === made.at.now;
  const link = current ? made.link : '';
  const [copied, setCopied] = useState(false);
  const [importError, setImportError] = useState<string | null>(null);
  const [importOk, setImportOk] = useState<string | null>(null);
  /** A run file that opened but is not the run it saved (its fingerprint differs). */
  const [importWarning, setImportWarning] = useState<string | null>(null);
  const [imageError, setImageError] = useState<string | null>(null);

  const [shareError, setShareError] = useState<string | null>(null);
  /** The run as a link or file would hold it, or null (and the reason shown) when opening one would refuse it. */
  const shareable = (): SavedRun | null => {
    const saved = currentSaved();
    const check = parseSaved(JSON.parse(JSON.stringify(saved)));
    if (check.ok) {
      setShareError(null);
      return saved;
    }
    setShareError(
      saved.t > MAX_RUN_MS
        ? `This run cannot be shared from here: it is at t = ${formatMs(saved.t)}, and a link or file holds at most ${formatMs(MAX_RUN_MS)} of simulated time. Go back to before that and share from there.`
        : `This run cannot be shared as it is: ${check.error}. A link would not open.`,
    );
    return null;
  };
  const makeLink = async (): Promise<void> => {
    // A link holds one moment: a playing run would move past it at once (and the link be shown as stale).
    if (useSim.getState().playing) setPlaying(false);
    publish();
    const at = momentNow();
    const saved = shareable();
    if (saved === null) return;
    const hash = await encodeHash(saved);
    noteOwnHash(hash);
    history.replaceState(null, '', hash);
    dropHashWhenRunChanges(hash, at);
    setMade({ link: location.href, at });
    setCopied(false);
  };
  const copy = async (): Promise<void> => {
    try {
      await navigator.clipboard.writeText(link);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };
  const exportJson = (): void => {
    const saved = shareable();
    if (saved === null) return;
    download(`wiber-run-seed${saved.run.seed}-t${Math.round(saved.t)}.json`, new Blob([JSON.stringify(saved, null, 2)], { type: 'application/json' }));
  };
  const onImport = (e: ChangeEvent<HTMLInputElement>): void => {
    const file = e.target.files?.[0];
    e.target.value = '';
    setImportError(null);
    setImportOk(null);
    setImportWarning(null);
    if (file === undefined) return;
    if (file.size > MAX_IMPORT_BYTES) {
      setImportError(`Could not import ${file.name}: the file is too large (${file.size} bytes). Nothing was changed.`);
      return;
    }
    file.text().then(
      (text) => {
        const parsed = parseSavedText(text);
        if (!parsed.ok) {
          // A lesson is text, not a run: say where it opens.
          const lesson = /\.md$/i.test(file.name) ? ' A lesson (.md) opens from the guides’ list, with “Open a lesson file”.' : '';
          setImportError(`Could not import ${file.name}: ${parsed.error}. Nothing was changed.${lesson}`);
          return;
        }
        // Rebuilt as a link is, and checked against the file's fingerprint: an edited file says so.
        void openRun(parsed.saved, { kind: 'file', name: file.name }).then((r) => {
          if (!r.ok) {
            // The rebuild's own notice says the same in the engine's words: the panel says it in the file's.
            dismissNotice();
            setImportError(r.error);
          } else if (r.warning !== undefined) setImportWarning(r.warning);
          else setImportOk(`Imported ${file.name}: seed ${parsed.saved.run.seed}, ${plural(parsed.saved.actions.length, 'action')}.`);
        }, (err: unknown) => setImportError(`Could not import ${file.name}: ${err instanceof Error ? err.message : String(err)}. Nothing was changed.`));
      },
      (err: unknown) => setImportError(`Could not read ${file.name}: ${String(err)}. Nothing was changed.`),
    );
  };
  const image = (which: 'cluster' | 'spacetime', kind: 'svg' | 'png'): void => {
    setImageError(null);
    const svg = which === 'cluster' ? clusterSvg() : spaceTimeSvg();
    if (svg === null) {
      setImageError(which === 'spacetime' ? 'Open the space-time diagram tab first.' : 'The cluster view is not on screen.');
      return;
    }
    const name = `wiber-${which}-t${Math.round(getDriver().now)}`;
    if (kind === 'svg') exportSvg(svg, name);
    else exportPng(svg, name).catch((err: unknown) => setImageError(`PNG export failed: ${String(err)}`));
  };

  return (
    <div className="panel share">
      <section aria-labelledby="share-link">
        <h3 id="share-link">Share link</h3>
        <p className="hint">The link holds the seed, the configuration, every action, a running workload and the current time: opening it rebuilds exactly this run (and says so if its fingerprint differs). Creating one pauses a playing run at its moment.</p>
        <div className="row">
          <button type="button" className="btn primary" onClick={() => void makeLink()}>
            Create link
          </button>
          {link && (
            <button type="button" className="btn" onClick={() => void copy()}>
              {copied ? 'Copied' : 'Copy'}
            </button>
          )}
        </div>
        {link && <input className="link" readOnly value={link} aria-label="Share link" data-testid="share-link" onFocus={(e) => e.currentTarget.select()} />}
        {shareError !== null && (
          <p className="invalid" role="alert" data-testid="share-error">
            {shareError}
          </p>
        )}
        {made !== null && !current && (
          <p className="hint" data-testid="share-link-old">
            The page has moved on since the last link was made (it opens {sameRun(here, made.at) ? 'this run' : 'the run as it was then'} at t = {formatMs(made.at.now)}). Create a link again to
            share the run as it is now.
          </p>
        )}
        <Fingerprint />
      </section>
      <section aria-labelledby="share-file">
        <h3 id="share-file">Save to a file</h3>
        <div className="row">
          <button type="button" className="btn" onClick={exportJson}>
            Export run (JSON)
          </button>
          <label className="btn file">
            Import run…
            <input type="file" accept=".json,application/json" onChange={onImport} data-testid="import-file" />
          </label>
        </div>
        {importError && (
          <p className="invalid" role="alert" data-testid="import-error">
            {importError}
          </p>
        )}
        {importWarning && (
          <p className="invalid" role="alert" data-testid="import-warning">
            {importWarning}
          </p>
        )}
        {importOk && (
          <p className="valid" role="status">
            {importOk}
          </p>
        )}
      </section>
      <section aria-labelledby="share-compare">
        <h3 id="share-compare">Compare runs</h3>
        <p className="hint">Two runs side by side at the same moment, with the first event where they differ: this run on two seeds, or two of its branches.</p>
        <button type="button" className="btn" onClick={openCompare} data-testid="compare-share">
          Compare two runs…
        </button>
      </section>
      <section aria-labelledby="share-img">
        <h3 id="share-img">Pictures</h3>
        <div className="row">
          <button type="button" className="btn small" onClick={() => image('cluster', 'svg')}>
            Cluster view as SVG
          </button>
          <button type="button" className="btn small" onClick={() => image('cluster', 'png')}>
            Cluster view as PNG
          </button>
        </div>
        <div className="row">
          <button type="button" className="btn small" onClick={() => image('spacetime', 'svg')}>
            Space-time diagram as SVG
          </button>
          <button type="button" className="btn small" onClick={() => image('spacetime', 'png')}>
            Space-time diagram as PNG
          </button>
        </div>
        {imageError && (
          <p className="invalid" role="alert">
            {imageError}
          </p>
        )}
      </section>
    </div>
  );
}
