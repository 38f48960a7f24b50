// Configuration: seed, cluster size or cluster.yaml (edited or loaded, validated inline), timeouts, the read mode, Pre-Vote,
// CheckQuorum and snapshots; applying starts a new run, and a bad config changes nothing. The YAML can also add and remove
// nodes of the running cluster.
import { useId, useMemo, useState, type ChangeEvent } from 'react';
import { CONFIG_KEYS_NOTE, MAX_NODES, configToYaml, generatedConfig, ignoredConfigKeys, parseClusterConfig, warnings } from '../sim';
import type { SimCluster } from '../sim';
// This panel reads and writes cluster.yaml: it brings the YAML parser (loaded on demand, with the panel).
import '../sim/yamlEager';
// Options from outside (links, files, forms, scenarios) are checked by the zod validator: load it with this module.
import '../sim/validateEager';
import { DEFAULT_ELECTION_TIMEOUT_MS, DEFAULT_HEARTBEAT_MS, type RunOptions } from '../store/runOptions';
import { MAX_RUN_MS, MAX_SNAPSHOT_EVERY } from '../store/share';
import { ScenarioList } from './ScenarioList';
import { actWithResult, getDriver, newRun, useSim } from '../store/sim';

const MAX_FILE_BYTES = 1_000_000;

interface Draft {
  seed: string;
  source: 'size' | 'yaml';
  nodes: string;
  yaml: string;
  timeoutMin: string;
  timeoutMax: string;
  heartbeat: string;
  reads: 'local' | 'readIndex' | 'lease';
  preVote: boolean;
  checkQuorum: boolean;
  snapshotEvery: string;
}

const READ_MODES: ReadonlyArray<{ value: Draft['reads']; label: string; about: string }> = [
  { value: 'local', label: 'local (fast, may be stale)', about: 'Any node answers HISTORY from what it has applied: fast, and stale at a deposed leader or a lagging follower (§8).' },
  { value: 'readIndex', label: 'ReadIndex (linearizable)', about: 'The leader confirms it still leads with a heartbeat round a majority answers; the node answers once it has applied up to the leader’s commit index, and at least up to the leader’s first entry of its term (thesis §6.4).' },
  { value: 'lease', label: 'lease (linearizable while clocks drift within bounds)', about: 'The leader answers alone while its lease lasts: a minimum election timeout, shortened by the drift bound, from the start of a heartbeat round a majority answered, on its own clock; followers ask the leader (thesis §6.4.1).' },
];

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
    reads: run.reads ?? 'local',
    preVote: run.raft?.preVote === true,
    checkQuorum: run.raft?.checkQuorum === true,
    snapshotEvery: String(run.snapshotEvery ?? 0),
  };
}

/** The draft as run options, or the first problem with it (the engine re-checks everything). */
export function runFromDraft(d: Draft, base: RunOptions): { run?: RunOptions; error?: string; field?: keyof Draft } {
  const seed = Number(d.seed);
  if (d.seed.trim() === '' || !Number.isInteger(seed)) return { error: 'Seed must be a whole number.', field: 'seed' };
  if (!Number.isSafeInteger(seed)) return { error: `Seed must be at most ${Number.MAX_SAFE_INTEGER.toLocaleString('en-US')} in size.`, field: 'seed' };
  const min = Number(d.timeoutMin);
  const max = Number(d.timeoutMax);
  if (!(Number.isFinite(min) && min >= 1)) return { error: 'Election timeout min must be a number ≥ 1 ms.', field: 'timeoutMin' };
  if (!(Number.isFinite(max) && max >= min)) return { error: 'Election timeout max must be a number ≥ the min.', field: 'timeoutMax' };
  // The longest a link or run file holds: a run beyond it would start, then refuse to be shared.
  const hour = MAX_RUN_MS.toLocaleString('en-US');
  if (max > MAX_RUN_MS) return { error: `Election timeout max must be at most ${hour} ms (1 hour), the longest a link or run file holds.`, field: 'timeoutMax' };
  const hb = Number(d.heartbeat);
  if (!(Number.isFinite(hb) && hb >= 0.1)) return { error: 'Heartbeat must be a number of ms, at least 0.1.', field: 'heartbeat' };
  if (hb > MAX_RUN_MS) return { error: `Heartbeat must be at most ${hour} ms (1 hour), the longest a link or run file holds.`, field: 'heartbeat' };
  const every = Number(d.snapshotEvery);
  if (d.snapshotEvery.trim() === '' || !Number.isSafeInteger(every) || every < 0) return { error: 'Snapshot every must be a whole number of entries (0 = never).', field: 'snapshotEvery' };
  if (every > MAX_SNAPSHOT_EVERY) return { error: `Snapshot every must be at most ${MAX_SNAPSHOT_EVERY.toLocaleString('en-US')} entries.`, field: 'snapshotEvery' };
  const run: RunOptions = { ...base, seed, electionTimeoutMs: [min, max], heartbeatMs: hb };
  delete run.config;
  delete run.nodes;
  delete run.reads;
  delete run.raft;
  delete run.snapshotEvery;
  // Defaults are left out, so that a run with them shares as before.
  if (d.reads !== 'local') run.reads = d.reads;
  if (d.preVote || d.checkQuorum) run.raft = { preVote: d.preVote, checkQuorum: d.checkQuorum };
  if (every > 0) run.snapshotEvery = every;
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

/** The read mode, Pre-Vote (thesis §9.6) and CheckQuorum (thesis §6.2), and automatic snapshots (§7): they take effect in a new run. */
function Extensions({ draft, set, invalid }: { draft: Draft; set: (patch: Partial<Draft>) => void; invalid: boolean }) {
  const mode = READ_MODES.find((m) => m.value === draft.reads) ?? READ_MODES[0];
  return (
    <section aria-labelledby="cfg-ext" className="ext-switches">
      <h3 id="cfg-ext">Raft as production systems run it</h3>
      <div className="row">
        <label>
          Reads (HISTORY){' '}
          <select value={draft.reads} onChange={(e) => set({ reads: e.target.value as Draft['reads'] })}>
            {READ_MODES.map((m) => (
              <option key={m.value} value={m.value}>
                {m.label}
              </option>
            ))}
          </select>
        </label>
      </div>
      <p className="hint">{mode.about}</p>
      <label>
        <input type="checkbox" checked={draft.preVote} onChange={(e) => set({ preVote: e.target.checked })} />
        <span>
          Pre-Vote <span className="muted">— a node asks whether it would win before it raises its term, so a returning node cannot depose a healthy leader (thesis §9.6)</span>
        </span>
      </label>
      <label>
        <input type="checkbox" checked={draft.checkQuorum} onChange={(e) => set({ checkQuorum: e.target.checked })} />
        <span>
          CheckQuorum <span className="muted">— a leader that hears from no majority during an election-timeout period steps down at its end, and followers that hear a leader ignore vote requests (thesis §6.2, §4.2.3)</span>
        </span>
      </label>
      <div className="row">
        <label>
          Snapshot every <input className="num" inputMode="numeric" value={draft.snapshotEvery} aria-invalid={invalid} onChange={(e) => set({ snapshotEvery: e.target.value })} /> applied entries
        </label>
        <span className="muted">(0 = never; §7)</span>
      </div>
    </section>
  );
}

export function ConfigPanel() {
  const run = useSim((s) => s.run);
  const runId = useSim((s) => s.runId);
  const [draft, setDraft] = useState<Draft>(() => draftOf(run));
  const [seenRun, setSeenRun] = useState(runId);
  const [applyError, setApplyError] = useState<string | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const [reconfigured, setReconfigured] = useState<{ ok: boolean; text: string } | null>(null);
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
      const ignored = ignoredConfigKeys(draft.yaml);
      const note = ignored.length === 0 ? '' : `. Ignored (${CONFIG_KEYS_NOTE}): ${ignored.join(', ')}`;
      return { ok: true as const, text: `${cfg.nodes.length} node${cfg.nodes.length === 1 ? '' : 's'}: ${cfg.nodes.map((n) => n.id).join(', ')}${note}` };
    } catch (err) {
      return { ok: false as const, text: err instanceof Error ? err.message : String(err) };
    }
  }, [draft.source, draft.yaml]);

  const set = (patch: Partial<Draft>): void => {
    setDraft({ ...draft, ...patch });
    setApplyError(null);
    setReconfigured(null);
  };
  // The running cluster grows and shrinks to the YAML's node list (§6: one change at a time, each a recorded action).
  const reconfigure = (): void => {
    const r = actWithResult('reconfigure', [draft.yaml]);
    if (!r.ok) return setReconfigured({ ok: false, text: `Not changed — ${r.error}` });
    const { added, removed } = r.result as ReturnType<SimCluster['reconfigure']>;
    const parts = [added.length > 0 ? `adding ${added.join(', ')}` : '', removed.length > 0 ? `removing ${removed.join(', ')}` : ''].filter(Boolean);
    setReconfigured({ ok: true, text: parts.length > 0 ? `The running cluster is ${parts.join(' and ')} (one change at a time; see the Faults tab).` : 'The running cluster already has exactly these nodes.' });
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
      (text) => {
        // A file that is no cluster.yaml (a wrong pick, a binary) must not replace the draft being edited.
        try {
          parseClusterConfig(text);
        } catch (err) {
          setFileError(`${file.name} is not a valid cluster.yaml (${err instanceof Error ? err.message : String(err)}): your draft was kept.`);
          return;
        }
        set({ source: 'yaml', yaml: text });
      },
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
          <h3 id="cfg-cluster">Cluster size and nodes</h3>
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
              <div className="row">
                <label className="btn small file">
                  Load a cluster.yaml file…
                  <input type="file" accept=".yaml,.yml,text/yaml,text/plain" onChange={onFile} />
                </label>
                <button type="button" className="btn small" onClick={() => set({ yaml: configToYaml(getDriver().cluster.config) })}>
                  Copy the running cluster’s nodes
                </button>
                <button type="button" className="btn small" disabled={yamlState?.ok !== true} onClick={reconfigure}>
                  Add/remove nodes to match (running cluster)
                </button>
              </div>
              {reconfigured && (
                <p className={reconfigured.ok ? 'valid' : 'invalid'} role="status" data-testid="reconfigure-status">
                  {reconfigured.text}
                </p>
              )}
              {fileError && (
                <p className="invalid" role="alert">
                  {fileError}
                </p>
              )}
            </>
          )}
        </section>
        <Extensions draft={draft} set={set} invalid={checked.field === 'snapshotEvery'} />
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
