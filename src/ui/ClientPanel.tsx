// The client panel: a console speaking Wiber's line protocol (PING, PUB, SUB, HISTORY, QUIT) to any node, a workload (publishers × rate) with live stats, and raw Raft proposals.
import { useMemo, useState, type FormEvent } from 'react';
import { act, actWithResult, formatMs, getDriver, startWorkload, stopWorkload, useSim, workloadStats } from '../store/sim';
import { MAX_ACTIONS } from '../store/runOptions';
import { DEFAULT_WORKLOAD, WORKLOAD_LIMITS, type WorkloadConfig } from '../store/workload';
import { nextCommand } from './actions';
import { Transcript } from './Transcript';
import { MAX_LINE_LENGTH } from '../core/broker/protocol';

const TRANSCRIPT = 200;

interface LogLine {
  at: number;
  node: string;
  dir: 'out' | 'in' | 'note';
  line: string;
}

/** The console client's transcript, if the engine has one. */
function transcript(): readonly LogLine[] {
  const c = getDriver().cluster as unknown as { clientLog?: (id?: string) => readonly LogLine[] };
  return typeof c.clientLog === 'function' ? c.clientLog('console') : [];
}

const EXAMPLES = ['PING', 'PUB demo hello', 'SUB demo', 'HISTORY demo 10', 'QUIT'];

function Console() {
  const ids = useSim((s) => s.nodeIds);
  const seq = useSim((s) => s.seq);
  const runId = useSim((s) => s.runId);
  const [pick, setPick] = useState(ids[0] ?? '');
  const node = ids.includes(pick) ? pick : (ids[0] ?? '');
  const [line, setLine] = useState('PUB demo hello');
  const [error, setError] = useState<string | null>(null);
  const lines = useMemo(() => {
    void seq;
    void runId;
    return transcript().slice(-TRANSCRIPT);
  }, [seq, runId]);
  // The protocol's own limit, said out loud: a pasted line is never cut short behind the user's back.
  const tooLong = line.length > MAX_LINE_LENGTH;
  /** When the learner last sent a line from here: its replies are read out (the transcript itself is not a live region). */
  const [sentAt, setSentAt] = useState<number | null>(null);
  const replies = sentAt === null ? [] : lines.filter((l) => l.dir === 'in' && l.at >= sentAt);
  const send = (text: string): void => {
    const trimmed = text.trim();
    if (trimmed.length === 0 || trimmed.length > MAX_LINE_LENGTH) return;
    setSentAt(getDriver().now);
    setError(act('command', [node, trimmed, {}]) ?? null);
  };
  return (
    <section aria-labelledby="client-console">
      <h3 id="client-console">Console</h3>
      <p className="hint">Type Wiber’s line protocol at any node. A follower forwards PUB to the leader it knows; a node that knows no leader, a leader handing leadership over, or a node whose leader cannot commit in time answers with an error. Each line is sent once (without the spaces at its two ends); the workload’s publishers below retry elsewhere with the same id.</p>
      {/* The examples above the line, so the replies come right under it (on a phone, the keyboard covers what is further down). */}
      <div className="row">
        {EXAMPLES.map((x) => (
          <button key={x} type="button" className="btn small" onClick={() => setLine(x)}>
            {x}
          </button>
        ))}
      </div>
      <form
        className="propose"
        onSubmit={(e) => {
          e.preventDefault();
          send(line);
        }}
      >
        <label>
          At{' '}
          <select value={node} onChange={(e) => setPick(e.target.value)} aria-label="At node">
            {ids.map((id) => (
              <option key={id} value={id}>
                {id}
              </option>
            ))}
          </select>
        </label>
        <label className="grow">
          <span className="sr-only">Line</span>
          <input value={line} onChange={(e) => setLine(e.target.value)} aria-label="Protocol line" aria-invalid={tooLong} placeholder="PUB topic message" spellCheck={false} autoCapitalize="off" autoCorrect="off" autoComplete="off" />
        </label>
        <button type="submit" className="btn primary" disabled={line.trim().length === 0 || tooLong}>
          Send
        </button>
      </form>
      {tooLong && (
        <p className="invalid" role="alert">
          This line is {line.length.toLocaleString('en-US')} characters long; Wiber takes lines of at most {MAX_LINE_LENGTH.toLocaleString('en-US')}.
        </p>
      )}
      {error && (
        <p className="invalid" role="alert">
          {error}
        </p>
      )}
      <p className="sr-only" role="status" data-testid="console-reply">
        {replies.length === 0 ? '' : replies.every((l) => l.node === replies[0].node) ? `${replies[0].node} answered: ${replies.map((l) => l.line).join('; ')}` : `Replies: ${replies.map((l) => `${l.node}: ${l.line}`).join('; ')}`}
      </p>
      <Transcript lines={lines} />
    </section>
  );
}

type Field = keyof WorkloadConfig;

const FIELDS: ReadonlyArray<{ key: Field; label: string; step: string; hint: string; unit?: string }> = [
  { key: 'publishers', label: 'Publishers', step: '1', hint: 'clients wl1…' },
  { key: 'rate', label: 'Rate', step: 'any', hint: 'PUB per simulated second, each', unit: '/s' },
  { key: 'topics', label: 'Topics', step: '1', hint: 't1…, successive PUBs in turn' },
];

/**
 * A field's range in the form: the engine's limits, except that the form starts at least one publisher
 * (a workload of none would show as running while sending nothing; Stop is how to have none).
 */
function formLimits(key: Field): { min: number; max: number } {
  const { min, max } = WORKLOAD_LIMITS[key];
  return { min: key === 'publishers' ? Math.max(1, min) : min, max };
}

/** "3 publishers × 5/s on 2 topics (15 PUB/s)". */
function describe(c: WorkloadConfig): string {
  const total = c.publishers * c.rate;
  const n = (x: number): string => String(Math.round(x * 100) / 100);
  return `${c.publishers} publisher${c.publishers === 1 ? '' : 's'} × ${n(c.rate)}/s on ${c.topics} topic${c.topics === 1 ? '' : 's'} (${n(total)} PUB/s of simulated time)`;
}

const msOrDash = (ms: number | undefined): string => (ms === undefined ? '—' : formatMs(ms));

function Workload() {
  const running = useSim((s) => s.workload);
  const seq = useSim((s) => s.seq);
  const runId = useSim((s) => s.runId);
  const actions = useSim((s) => s.actionCount);
  const [form, setForm] = useState<Record<Field, string>>(() => ({
    publishers: String(DEFAULT_WORKLOAD.publishers),
    rate: String(DEFAULT_WORKLOAD.rate),
    topics: String(DEFAULT_WORKLOAD.topics),
  }));
  const [error, setError] = useState<string | null>(null);
  // Read from the live publish handles whenever the run moved: exact as of now, the same in every replay.
  const stats = useMemo(() => {
    void seq;
    void runId;
    return workloadStats();
  }, [seq, runId]);

  const start = (e: FormEvent): void => {
    e.preventDefault();
    const config = { publishers: Number(form.publishers), rate: Number(form.rate), topics: Number(form.topics) };
    for (const f of FIELDS) {
      const { min, max } = formLimits(f.key);
      const v = config[f.key];
      if (form[f.key].trim() === '' || !Number.isFinite(v) || v < min || v > max || (f.step === '1' && !Number.isInteger(v))) {
        setError(`${f.label} must be ${f.step === '1' ? 'a whole number' : 'a number'} from ${min} to ${max}.`);
        return;
      }
    }
    setError(startWorkload(config) ?? null);
  };

  const rows: ReadonlyArray<[string, string]> = [
    ['Issued', String(stats.issued)],
    ['Acked', String(stats.acked)],
    ['Pending', String(stats.pending)],
    ['Failed', String(stats.failed)],
    ['Latency p50', msOrDash(stats.p50)],
    ['Latency p99', msOrDash(stats.p99)],
  ];

  return (
    <section aria-labelledby="client-workload">
      <h3 id="client-workload">Workload</h3>
      <p className="hint">
        Publisher clients take turns sending PUBs at a steady rate of simulated time (together Publishers × Rate a second); successive PUBs go to the topics in turn, so with as
        many publishers as topics each always writes the same topic. Each retries with the same id until acknowledged. Every PUB is an action of the run, so
        playing fast or slow, rewinding and share links all give the same run.
      </p>
      <form className="propose" onSubmit={start} aria-label="Workload settings" noValidate>
        {FIELDS.map((f) => (
          <label key={f.key} title={f.hint}>
            {f.label}{' '}
            <input
              type="number"
              inputMode={f.step === '1' ? 'numeric' : 'decimal'}
              min={formLimits(f.key).min}
              max={formLimits(f.key).max}
              step={f.step}
              value={form[f.key]}
              onChange={(e) => setForm((x) => ({ ...x, [f.key]: e.target.value }))}
              aria-label={`${f.label} (${f.hint})`}
              style={{ width: '4.5em' }}
            />
            {f.unit && <span className="muted"> {f.unit}</span>}
          </label>
        ))}
        <button type="submit" className="btn primary">
          {running ? 'Apply' : 'Start'}
        </button>
        <button type="button" className="btn" disabled={running === null} onClick={stopWorkload}>
          Stop
        </button>
      </form>
      {error && (
        <p className="invalid" role="alert">
          {error}
        </p>
      )}
      {actions > MAX_ACTIONS * 0.8 && (
        <p className="warn-text" data-testid="workload-limit">
          This run has {actions.toLocaleString('en')} actions; share links and run files hold at most {MAX_ACTIONS.toLocaleString('en')}, so stop the workload soon if you want to share it.
        </p>
      )}
      <p className="hint" role="status" data-testid="workload-state">
        {running ? `Running: ${describe(running)}.` : 'Stopped.'}
      </p>
      <table className="overview" aria-label="Workload stats" data-testid="workload-stats">
        <tbody>
          {rows.map(([k, v]) => (
            <tr key={k}>
              <th scope="row">{k}</th>
              <td data-stat={k.toLowerCase().replace(/\s+/g, '-')}>{v}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="hint">Latency: from the PUB to its ack, in simulated time, over every acked PUB of the workload so far.</p>
    </section>
  );
}

const MAX_COMMAND = 2000;
let lineId = 0;

export function ClientPanel() {
  const ids = useSim((s) => s.nodeIds);
  const leader = useSim((s) => s.leader);
  const [target, setTarget] = useState<string>('leader');
  const [command, setCommand] = useState('set x=1');
  const [log, setLog] = useState<Array<{ id: number; text: string; ok: boolean }>>([]);
  const node = target === 'leader' ? leader : target;
  // Said out loud, as the console does: a pasted command is never cut short behind the user's back.
  const tooLong = command.length > MAX_COMMAND;

  const propose = (times: number): void => {
    if (command.length === 0 || tooLong) return;
    if (node === undefined) {
      setLog((l) => [...l.slice(-30), { id: ++lineId, text: 'There is no leader right now: nothing was proposed.', ok: false }]);
      return;
    }
    const lines: Array<{ id: number; text: string; ok: boolean }> = [];
    for (let i = 0; i < times; i++) {
      const cmd = times === 1 ? command : `${command} #${i + 1}`;
      const r = actWithResult('propose', [node, cmd]);
      const res = r.ok ? (r.result as { index: number; term: number } | undefined) : undefined;
      const text = !r.ok ? `Error: ${r.error}` : res ? `${node} appended “${cmd}” at index ${res.index} (term ${res.term})` : `${node} is not the leader: “${cmd}” was refused`;
      lines.push({ id: ++lineId, text, ok: r.ok && res !== undefined });
    }
    setLog((l) => [...l, ...lines].slice(-30));
    if (times === 1) setCommand(nextCommand());
  };

  const onSubmit = (e: FormEvent): void => {
    e.preventDefault();
    propose(1);
  };

  return (
    <div className="panel client">
      <Console />
      <Workload />
      <section aria-labelledby="client-propose">
        <h3 id="client-propose">Raw Raft proposal</h3>
        <p className="hint">A client hands the command to a node; only a leader appends it to its log as a new entry and replicates it with AppendEntries (§5.3); any other node refuses it.</p>
        <form className="propose" onSubmit={onSubmit}>
          <label>
            To{' '}
            <select value={target} onChange={(e) => setTarget(e.target.value)}>
              <option value="leader">the leader{leader ? ` (${leader})` : ' (none)'}</option>
              {ids.map((id) => (
                <option key={id} value={id}>
                  {id}
                </option>
              ))}
            </select>
          </label>
          <label className="grow">
            <span className="sr-only">Command</span>
            <input value={command} onChange={(e) => setCommand(e.target.value)} aria-label="Command" aria-invalid={tooLong} placeholder="a command, e.g. set x=1" spellCheck={false} autoCapitalize="off" autoCorrect="off" autoComplete="off" />
          </label>
          <button type="submit" className="btn primary" disabled={command.length === 0 || tooLong}>
            Propose
          </button>
          <button type="button" className="btn" disabled={command.length === 0 || tooLong} onClick={() => propose(10)}>
            ×10
          </button>
        </form>
        {tooLong && (
          <p className="invalid" role="alert">
            This command is {command.length.toLocaleString('en-US')} characters long; a proposal here takes at most {MAX_COMMAND.toLocaleString('en-US')}.
          </p>
        )}
        <ol className="client-log" aria-label="Replies" aria-live="polite">
          {log.map((l) => (
            <li key={l.id} className={l.ok ? 'ok' : 'no'}>
              {l.text}
            </li>
          ))}
        </ol>
      </section>
    </div>
  );
}
