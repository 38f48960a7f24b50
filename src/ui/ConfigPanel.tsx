// Configuration: seed, cluster size or cluster.yaml (edited or loaded, validated inline), timeouts; applying starts a new run, and a bad config changes nothing.
import { useId, useMemo, useState, type ChangeEvent } from 'react';
import { MAX_NODES, configToYaml, generatedConfig, parseClusterConfig, warnings } from '../sim';
import { DEFAULT_ELECTION_TIMEOUT_MS, DEFAULT_HEARTBEAT_MS, type RunOptions } from '../store/runOptions';
import { ScenarioList } from './ScenarioList';
import { newRun, useSim } from '../store/sim';

const MAX_FILE_BYTES = 1_000_000;

interface Draft {
  seed: string;
  source: 'size' | 'yaml';
  nodes: string;
  yaml: string;
  timeoutMin: string;
  timeoutMax: string;
  heartbeat: string;
}

function draftOf(run: RunOptions): Draft {
  const [a, b] = run.electionTimeoutMs ?? DEFAULT_ELECTION_TIMEOUT_MS;
  return {
    seed: String(run.seed),
    source: run.config !== undefined ? 'yaml' : 'size',
    nodes: String(run.nodes ?? 5),
    yaml: run.config ?? configToYaml(generatedConfig(Math.min(MAX_NODES, Math.max(1, run.nodes ?? 5)))),
    timeoutMin: String(a),
    timeoutMax: String(b),
    heartbeat: String(run.heartbeatMs ?? DEFAULT_HEARTBEAT_MS),
  };
}

/** The draft as run options, or the first problem with it (the engine re-checks everything). */
export function runFromDraft(d: Draft, base: RunOptions): { run?: RunOptions; error?: string; field?: keyof Draft } {
  const seed = Number(d.seed);
  if (d.seed.trim() === '' || !Number.isSafeInteger(seed)) return { error: 'Seed must be a whole number.', field: 'seed' };
  const min = Number(d.timeoutMin);
  const max = Number(d.timeoutMax);
  if (!(Number.isFinite(min) && min >= 1)) return { error: 'Election timeout min must be a number ≥ 1 ms.', field: 'timeoutMin' };
  if (!(Number.isFinite(max) && max >= min)) return { error: 'Election timeout max must be a number ≥ the min.', field: 'timeoutMax' };
  const hb = Number(d.heartbeat);
  if (!(Number.isFinite(hb) && hb > 0)) return { error: 'Heartbeat must be a positive number of ms.', field: 'heartbeat' };
  const run: RunOptions = { ...base, seed, electionTimeoutMs: [min, max], heartbeatMs: hb };
  delete run.config;
  delete run.nodes;
  if (d.source === 'size') {
    const n = Number(d.nodes);
    if (!Number.isInteger(n) || n < 1 || n > MAX_NODES) return { error: `Cluster size must be a whole number from 1 to ${MAX_NODES}.`, field: 'nodes' };
    run.nodes = n;
  } else {
    try {
      parseClusterConfig(d.yaml);
    } catch (err) {
      return { error: err instanceof Error ? err.message : String(err), field: 'yaml' };
    }
    run.config = d.yaml;
  }
  return { run };
}

export function ConfigPanel() {
  const run = useSim((s) => s.run);
  const runId = useSim((s) => s.runId);
  const [draft, setDraft] = useState<Draft>(() => draftOf(run));
  const [seenRun, setSeenRun] = useState(runId);
  const [applyError, setApplyError] = useState<string | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const ids = { yaml: useId(), yamlMsg: useId(), form: useId() };
  if (seenRun !== runId) {
    // A new run started elsewhere (scenario, link, import): show its settings.
    setSeenRun(runId);
    setDraft(draftOf(run));
    setApplyError(null);
  }
  const checked = useMemo(() => runFromDraft(draft, run), [draft, run]);
  // Valid settings that will not behave as a learner expects (issue 10): said next to them, with the reason.
  const cautions = useMemo(() => (checked.run === undefined ? [] : warnings(checked.run)), [checked.run]);
  const yamlState = useMemo(() => {
    if (draft.source !== 'yaml') return null;
    try {
      const cfg = parseClusterConfig(draft.yaml);
      return { ok: true as const, text: `${cfg.nodes.length} node${cfg.nodes.length === 1 ? '' : 's'}: ${cfg.nodes.map((n) => n.id).join(', ')}` };
    } catch (err) {
      return { ok: false as const, text: err instanceof Error ? err.message : String(err) };
    }
  }, [draft.source, draft.yaml]);

  const set = (patch: Partial<Draft>): void => {
    setDraft({ ...draft, ...patch });
    setApplyError(null);
  };
  const apply = (): void => {
    if (checked.run === undefined) {
      setApplyError(checked.error ?? 'Invalid configuration.');
      return;
    }
    const err = newRun(checked.run);
    setApplyError(err ?? null);
  };
  const onFile = (e: ChangeEvent<HTMLInputElement>): void => {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (file === undefined) return;
    if (file.size > MAX_FILE_BYTES) {
      setFileError(`${file.name} is too large (${file.size} bytes; the limit is ${MAX_FILE_BYTES}).`);
      return;
    }
    setFileError(null);
    file.text().then(
      (text) => set({ source: 'yaml', yaml: text }),
      (err: unknown) => setFileError(`Could not read ${file.name}: ${String(err)}`),
    );
  };
  const fieldErr = (f: keyof Draft): boolean => checked.field === f;

  return (
    <div className="panel config">
      <form
        id={ids.form}
        onSubmit={(e) => {
          e.preventDefault();
          apply();
        }}
        noValidate
      >
        <section aria-labelledby="cfg-run">
          <h3 id="cfg-run">Run</h3>
          <div className="row">
            <label>
              Seed{' '}
              <input className="num" inputMode="numeric" value={draft.seed} aria-invalid={fieldErr('seed')} onChange={(e) => set({ seed: e.target.value })} />
            </label>
            <button type="button" className="btn small" onClick={() => set({ seed: String(Math.floor(Math.random() * 1_000_000)) })}>
              Random seed
            </button>
          </div>
          <div className="row">
            <label>
              Election timeout{' '}
              <input className="num" inputMode="decimal" value={draft.timeoutMin} aria-label="Election timeout min (ms)" aria-invalid={fieldErr('timeoutMin')} onChange={(e) => set({ timeoutMin: e.target.value })} />
            </label>
            <label>
              to <input className="num" inputMode="decimal" value={draft.timeoutMax} aria-label="Election timeout max (ms)" aria-invalid={fieldErr('timeoutMax')} onChange={(e) => set({ timeoutMax: e.target.value })} /> ms
            </label>
          </div>
          <div className="row">
            <label>
              Heartbeat every <input className="num" inputMode="decimal" value={draft.heartbeat} aria-invalid={fieldErr('heartbeat')} onChange={(e) => set({ heartbeat: e.target.value })} /> ms
            </label>
          </div>
          {cautions.map((w) => (
            <p key={w.option} className="warn-text" role="note" data-testid="config-warning">
              ⚠ {w.text}
            </p>
          ))}
        </section>
        <section aria-labelledby="cfg-cluster">
          <h3 id="cfg-cluster">Cluster</h3>
          <div className="row" role="radiogroup" aria-label="Cluster source">
            <label>
              <input type="radio" name="source" checked={draft.source === 'size'} onChange={() => set({ source: 'size' })} /> Nodes n1…nN:
            </label>
            <input
              className="num"
              type="number"
              min={1}
              max={MAX_NODES}
              value={draft.nodes}
              aria-label="Number of nodes"
              aria-invalid={fieldErr('nodes')}
              disabled={draft.source !== 'size'}
              onChange={(e) => set({ nodes: e.target.value, yaml: configToYaml(generatedConfig(Math.min(MAX_NODES, Math.max(1, Math.round(Number(e.target.value)) || 1)))) })}
            />
            <label>
              <input type="radio" name="source" checked={draft.source === 'yaml'} onChange={() => set({ source: 'yaml' })} /> cluster.yaml
            </label>
          </div>
          {draft.source === 'yaml' && (
            <>
              <label htmlFor={ids.yaml} className="sr-only">
                cluster.yaml
              </label>
              <textarea
                id={ids.yaml}
                className="yaml"
                spellCheck={false}
                rows={10}
                value={draft.yaml}
                aria-invalid={yamlState?.ok === false}
                aria-describedby={ids.yamlMsg}
                onChange={(e) => set({ yaml: e.target.value })}
              />
              <p id={ids.yamlMsg} className={yamlState?.ok ? 'valid' : 'invalid'} aria-live="polite" data-testid="yaml-status">
                {yamlState?.ok ? '✓ ' : '✗ '}
                {yamlState?.text}
              </p>
              <label className="btn small file">
                Load a cluster.yaml file…
                <input type="file" accept=".yaml,.yml,text/yaml,text/plain" onChange={onFile} />
              </label>
              {fileError && (
                <p className="invalid" role="alert">
                  {fileError}
                </p>
              )}
            </>
          )}
        </section>
        <div className="row">
          <button type="submit" className="btn primary">
            Apply and start a new run
          </button>
          {checked.error && checked.field !== 'yaml' && <span className="invalid">{checked.error}</span>}
        </div>
        {applyError && (
          <p className="invalid" role="alert" data-testid="config-error">
            Not applied — {applyError}
          </p>
        )}
      </form>
      <section aria-labelledby="cfg-scen">
        <h3 id="cfg-scen">Canned scenarios</h3>
        <ScenarioList />
      </section>
    </div>
  );
}
