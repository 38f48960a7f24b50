// The correctness panel: each safety checker live (a violation pauses and can be jumped to), and the "break it" rule switches.
import { useState } from 'react';
import { RAFT_PROPERTIES, type Violation } from '../sim';
import { plural } from './plural';
import { formatMs, newRun, seekToEvent, showNotice, useSim } from '../store/sim';
import { ScenarioList } from './ScenarioList';
// Options from outside (links, files, forms, scenarios) are checked by the zod validator: load it with this module.
import '../sim/validateEager';

const ABOUT: Record<string, string> = {
  'Election Safety': 'At most one leader per term (§5.2).',
  'Leader Append-Only': 'A leader never overwrites or deletes entries in its log (§5.3).',
  'Log Matching': 'Two logs with an entry of the same index and term are identical up to it (§5.3).',
  'Leader Completeness': 'A committed entry is in the log of every later leader (§5.4).',
  'State Machine Safety': 'No two nodes apply different entries at the same index (§5.4.3).',
  'Terms never decrease': 'A node’s current term only goes up (§5.1).',
  'Committed entries never truncated': 'Once committed, an entry is never removed from any log, except into a snapshot that holds it (§5.4, §7).',
  'No stale read': 'A HISTORY reply holds every record whose publish was acknowledged before the HISTORY was sent, among the n newest it asked for (linearizable reads, §8). Reads “local” can break it with no fault at all (a follower that has not yet heard of the commit answers from its own copy) and under a partition (a deposed leader does). ReadIndex reads do not; lease reads do not while every clock drifts within the bound (thesis §6.4.1).',
};

/** The Raft properties, and the read property the read modes are about. */
const SHOWN: readonly string[] = [...RAFT_PROPERTIES, 'No stale read'];

const RULES = [
  {
    key: 'voteLogCheck' as const,
    label: 'Voters check the candidate’s log (§5.4.1)',
    off: 'Without it, a node missing committed entries can win an election and overwrite them: watch Leader Completeness and State Machine Safety.',
  },
  {
    key: 'commitCurrentTermOnly' as const,
    label: 'Leaders commit by counting only entries of their own term (§5.4.2)',
    off: 'Without it, the Figure 8 scenario commits an entry that a later leader overwrites.',
  },
  {
    key: 'oneChangeAtATime' as const,
    label: 'One membership change at a time (§6; thesis §4.1)',
    off: 'Without it, a leader appends each add or remove at once: servers using different configurations can form majorities that do not overlap and elect two leaders in one term (watch Election Safety).',
  },
];

type RuleKey = (typeof RULES)[number]['key'];
const rulesOf = (run: { rules?: Partial<Record<RuleKey, boolean>> }): Record<RuleKey, boolean> =>
  Object.fromEntries(RULES.map((r) => [r.key, run.rules?.[r.key] !== false])) as Record<RuleKey, boolean>;

function Checkers() {
  const violations = useSim((s) => s.violations);
  const marks = useSim((s) => s.marks);
  const vMarks = marks.filter((m) => m.kind === 'violation');
  return (
    <section aria-labelledby="checks-live">
      <h3 id="checks-live">Safety properties, checked after every event</h3>
      <ul className="checks">
        {SHOWN.map((p) => {
          const now = violations.filter((v) => v.property === p);
          const mark = vMarks.find((m) => m.label.startsWith(`${p} broken`));
          const broken = now.length > 0;
          return (
            <li key={p} className={broken ? 'broken' : mark ? 'later' : 'ok'}>
              <span className="check-icon" aria-hidden="true">
                {broken ? '✗' : '✓'}
              </span>
              <div>
                <strong>{p}</strong> <span className="sr-only">{broken ? 'broken' : 'holding'}</span>
                <p className="muted">{ABOUT[p] ?? ''}</p>
                {broken && <p className="violation-text">{now[0].message}</p>}
                {!broken && mark && <p className="muted">Broken later in this run, at {formatMs(mark.at)}.</p>}
              </div>
              {mark && (
                <button type="button" className="btn small danger" onClick={() => seekToEvent(mark.seq, mark.at)}>
                  Jump there
                </button>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

/** Findings: consequences of a setting the learner chose, as documented — not broken guarantees. */
function Findings() {
  const findings = useSim((s) => s.findings);
  if (findings.length === 0) return null;
  const byProperty = new Map<string, Violation[]>();
  for (const f of findings) byProperty.set(f.property, [...(byProperty.get(f.property) ?? []), f]);
  return (
    <section aria-labelledby="checks-findings">
      <h3 id="checks-findings">Findings</h3>
      <p className="hint">Not broken guarantees: what a setting you chose does, as documented. They never pause the run.</p>
      <ul className="checks">
        {[...byProperty].map(([property, list]) => (
          <li key={property} className="finding">
            <span className="check-icon" aria-hidden="true">
              !
            </span>
            <div>
              <strong>{property}</strong> <span className="muted">— {plural(list.length, 'time')} so far</span>
              <p className="muted">Latest: {list[list.length - 1].message}</p>
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}

function BreakIt() {
  const run = useSim((s) => s.run);
  const runId = useSim((s) => s.runId);
  const current = rulesOf(run);
  const [draft, setDraft] = useState(current);
  const [seenRun, setSeenRun] = useState(runId);
  if (seenRun !== runId) {
    // A new run (scenario, link, import) brings its own rules.
    setSeenRun(runId);
    setDraft(current);
  }
  const changed = RULES.some((r) => draft[r.key] !== current[r.key]);
  return (
    <section aria-labelledby="checks-break">
      <h3 id="checks-break">Break it</h3>
      <p className="hint">
        Switch a rule off and start a new run with the same seed (your actions are not kept). Nothing breaks until faults set the stage: crash and
        partition nodes yourself and watch the checkers catch the consequence, or load a scenario below that does it with the rule off
        (<em>Figure 8 (commit by counting)</em>, <em>Vote without log check</em>).
      </p>
      {RULES.map((r) => (
        <div key={r.key} className="rule-switch">
          <label>
            <input type="checkbox" checked={draft[r.key]} onChange={(e) => setDraft({ ...draft, [r.key]: e.target.checked })} />
            {r.label}
          </label>
          {!draft[r.key] && <p className="muted">{r.off}</p>}
        </div>
      ))}
      <div className="row">
        <button
          type="button"
          className="btn primary"
          disabled={!changed}
          onClick={() => {
            // The membership rule is written only when off, so that runs without it share as before.
            const { oneChangeAtATime, ...rest } = draft;
            const err = newRun({ ...run, rules: oneChangeAtATime ? rest : { ...rest, oneChangeAtATime } });
            if (err) showNotice({ kind: 'error', text: err });
          }}
        >
          Restart with these rules
        </button>
        {RULES.some((r) => !current[r.key]) && <span className="warn-text">Rules are off in this run.</span>}
      </div>
      <h4>Scenarios</h4>
      <ScenarioList />
    </section>
  );
}

export function CorrectnessPanel() {
  return (
    <div className="panel checks-panel">
      <Checkers />
      <Findings />
      <BreakIt />
    </div>
  );
}
