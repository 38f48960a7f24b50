// The reference card dialog: the rule a chip names first, then the whole card (Figure 2, the paper's other rules and the dissertation's).
import { Fragment } from 'react';
import { Dialog } from './Dialog';
import { closeReference, useReference } from './referenceState';
import { FIGURE_2, RULES, cardFor, type RuleCard } from './rules';

/** An id usable in a CSS selector: '§5.4.1' → '5-4-1', 'thesis §9.6' → 'thesis-9-6'. */
const slug = (id: string): string => id.replace('thesis §', 'thesis-').replace('§', '').replace(/\./g, '-');

function Card({ r, current }: { r: RuleCard; current: boolean }) {
  return (
    <section className={`ref-rule${current ? ' current' : ''}`} id={`rule-${slug(r.id)}`} aria-labelledby={`rule-title-${slug(r.id)}`}>
      <h3 id={`rule-title-${slug(r.id)}`} tabIndex={-1}>
        <span className="ref-id">{r.id}</span> {r.title}
      </h3>
      <ul>
        {r.points.map((p, i) => (
          <li key={i}>{p}</li>
        ))}
      </ul>
      <p className="ref-where">{r.where}</p>
    </section>
  );
}

export function ReferenceCard() {
  const open = useReference((s) => s.open);
  if (open === null) return null;
  const current = open === '' ? undefined : cardFor(open);
  return (
    <Dialog
      title="Reference card: the rules of Raft"
      titleId="reference-title"
      onClose={closeReference}
      className="reference"
      initialFocus={current ? `#rule-title-${slug(current.id)}` : undefined}
    >
      {current && <Card r={current} current />}
      {open !== '' && current === undefined && <p className="hint">The card has no entry for {open}; here is all of it.</p>}
      <details className="ref-all" open={current === undefined}>
        <summary>{current ? 'The whole reference card' : 'The rules, section by section'}</summary>
        <h3 className="ref-fig">Figure 2 in brief</h3>
        <div className="ref-figure">
          {FIGURE_2.map((b) => (
            <Fragment key={b.heading}>
              <h4>{b.heading}</h4>
              <ul>
                {b.lines.map(([text, sec], i) => (
                  <li key={i}>
                    {text} {sec && <span className="ref-sec">({sec})</span>}
                  </li>
                ))}
              </ul>
            </Fragment>
          ))}
        </div>
        {RULES.filter((r) => r !== current).map((r) => (
          <Card key={r.id} r={r} current={false} />
        ))}
        <p className="hint">
          In our own words. The paper: Diego Ongaro and John Ousterhout, “In Search of an Understandable Consensus Algorithm (Extended Version)”, 2014.
          The dissertation (“thesis §…”): Diego Ongaro, “Consensus: Bridging Theory and Practice”, Stanford University, 2014.
        </p>
      </details>
    </Dialog>
  );
}
