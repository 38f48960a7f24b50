// The client panel: a console speaking Wiber's line protocol (PING, PUB, SUB, HISTORY, QUIT) to any node, and raw Raft proposals.
import { useMemo, useState, type FormEvent } from 'react';
import { act, actWithResult, formatMs, getDriver, useSim } from '../store/sim';
import { nextCommand } from './actions';

const MAX_LINE = 1000;
const TRANSCRIPT = 200;

interface LogLine {
  at: number;
  node: string;
  dir: 'out' | 'in';
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
  const send = (text: string): void => {
    const trimmed = text.trim();
    if (trimmed.length === 0) return;
    setError(act('command', [node, trimmed, {}]) ?? null);
  };
  return (
    <section aria-labelledby="client-console">
      <h3 id="client-console">Console</h3>
      <p className="hint">Type Wiber’s line protocol at any node. Followers forward PUB to the leader; a node that cannot reach one answers with an error, and the client retries elsewhere.</p>
      <form
        className="propose"
        onSubmit={(e) => {
          e.preventDefault();
          send(line);
        }}
      >
        <label>
          At{' '}
          <select value={node} onChange={(e) => setPick(e.target.value)} aria-label="Node to talk to">
            {ids.map((id) => (
              <option key={id} value={id}>
                {id}
              </option>
            ))}
          </select>
        </label>
        <label className="grow">
          <span className="sr-only">Line</span>
          <input value={line} maxLength={MAX_LINE} onChange={(e) => setLine(e.target.value)} aria-label="Protocol line" placeholder="PUB topic message" spellCheck={false} />
        </label>
        <button type="submit" className="btn primary" disabled={line.trim().length === 0}>
          Send
        </button>
      </form>
      <div className="row">
        {EXAMPLES.map((x) => (
          <button key={x} type="button" className="btn small" onClick={() => setLine(x)}>
            {x}
          </button>
        ))}
      </div>
      {error && (
        <p className="invalid" role="alert">
          {error}
        </p>
      )}
      <ol className="transcript" aria-label="Console transcript" data-testid="transcript">
        {lines.length === 0 && <li className="hint">Nothing typed yet.</li>}
        {lines.map((l, i) => (
          <li key={i} className={l.dir}>
            <span className="ev-t">{formatMs(l.at)}</span>
            <span className="dir">{l.dir === 'out' ? `→ ${l.node}` : `← ${l.node}`}</span>
            <span className="text">{l.line}</span>
          </li>
        ))}
      </ol>
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

  const propose = (times: number): void => {
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
      <section aria-labelledby="client-propose">
        <h3 id="client-propose">Raw Raft proposal</h3>
        <p className="hint">A client hands the command to a node; only a leader appends it to its log and replicates it (Raft’s Start, §5.3).</p>
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
            <input value={command} maxLength={MAX_COMMAND} onChange={(e) => setCommand(e.target.value)} aria-label="Command" placeholder="a command, e.g. set x=1" />
          </label>
          <button type="submit" className="btn primary" disabled={command.length === 0}>
            Propose
          </button>
          <button type="button" className="btn" disabled={command.length === 0} onClick={() => propose(10)}>
            ×10
          </button>
        </form>
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
