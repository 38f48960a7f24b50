// The step-through narration under the cluster view: what the last step did, one sentence per event, with the rule.
import { useMemo, useState, type FocusEvent } from 'react';
import type { NodeView } from '../sim';
import { actorOf, formatMs, getView, useSim } from '../store/sim';
import { explainers } from './explainLater';
import { RuleChips } from './RuleChips';
import { COARSE, useMedia } from './useMedia';

const MAX_LINES = 8;

const UPCOMING = 5;

type View = Pick<NodeView, 'id' | 'up' | 'role' | 'connected' | 'term'>;

/**
 * Coming up's line for `v`'s running election timer. A follower a leader's messages can reach has its
 * timer reset by the next one long before it runs out (§5.2): a deadline, not a coming event. One cut
 * off from every leader (a partition, a cut link, a disconnection) times out for real.
 */
export function electionTimerLine(v: View, nodes: readonly View[], groups: Readonly<Record<string, number>>, cuts: ReadonlyArray<readonly [string, string]>): string {
  const leaders = nodes.filter((l) => l.up && l.role === 'leader' && l.connected);
  if (leaders.length === 0) return `${v.id}'s election timer fires`;
  const reaches = (l: View): boolean => v.connected && groups[l.id] === groups[v.id] && !cuts.some(([from, to]) => from === l.id && to === v.id);
  if (leaders.some((l) => reaches(l) && l.term >= v.term)) return `${v.id}'s election timer runs out, unless the leader's next message resets it first`;
  // A node of a later term than every leader it hears (back from a partition, say) refuses their messages (§5.1).
  if (leaders.some(reaches)) return `${v.id}'s election timer fires: the leader's messages reach it, but in an older term than its own, so they cannot reset it (§5.1)`;
  return `${v.id}'s election timer fires: no leader's messages can reach it`;
}

/** What the scheduler will do next: message arrivals and election timeouts, soonest first. */
function ComingUp() {
  const now = useSim((s) => s.now);
  const nodes = useSim((s) => s.nodes);
  const groups = useSim((s) => s.groups);
  const cuts = useSim((s) => s.cuts);
  useSim((s) => s.seq);
  const rows = useMemo(() => {
    const out: Array<{ at: number; text: string; key: string }> = [];
    // (Messages are in flight only once the engine, and the explanations with it, have loaded.)
    const fate = explainers()?.fateShort;
    for (const m of getView().inFlight()) {
      if (m.arriveAt < now || fate === undefined) continue;
      out.push({ at: m.arriveAt, key: `m${m.id}-${m.duplicate ? 1 : 0}`, text: `${m.type} ${m.from}→${m.to} ${fate(m, nodes)}${m.duplicate ? ' (duplicate)' : ''}` });
    }
    for (const v of nodes) {
      if (v.up && v.electionDeadline !== undefined && v.electionDeadline >= now) out.push({ at: v.electionDeadline, key: `t${v.id}`, text: electionTimerLine(v, nodes, groups, cuts) });
    }
    return out.sort((a, b) => a.at - b.at).slice(0, UPCOMING);
  }, [now, nodes, groups, cuts]);
  if (rows.length === 0) return null;
  return (
    <section className="coming" aria-labelledby="coming-title">
      <h2 id="coming-title">Coming up</h2>
      <ul>
        {rows.map((r) => (
          <li key={r.key}>
            <span className="in">in {formatMs(r.at - now)}</span> {r.text}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** What the events a Step passed over were, by the kinds Step can watch: " (2 Pub/sub, 1 Clocks & detector)". */
function skippedKinds(stoppedAt: number, count: number): string {
  const counts = new Map<string, number>();
  const ex = explainers();
  if (ex === null) return '';
  for (const item of getView().feedTail(count + 64)) {
    if (item.seq >= stoppedAt || item.seq < stoppedAt - count) continue;
    const label = ex.stepKindOf(item);
    counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  return counts.size === 0 ? '' : ` (${[...counts].map(([label, n]) => `${n} ${label}`).join(', ')})`;
}

export function Narration() {
  const lastStep = useSim((s) => s.lastStep);
  const playing = useSim((s) => s.playing);
  const skippedBy = useSim((s) => s.stepSkipped);
  // Only about the step whose events are shown (not a later seek or run to the next election).
  const skipped = skippedBy !== null && lastStep.some((i) => i.seq === skippedBy.seq) ? skippedBy.count : 0;
  const version = useSim((s) => s.feedVersion);
  const by = useSim((s) => s.actionsBy);
  // A finger has no S, E or ? key to press.
  const touch = useMedia(COARSE);
  // While playing the narration is silent (it would speak every frame): who leads is still said when it changes.
  const leads = useSim((s) => (s.leader === undefined ? 'no leader' : `${s.leader} leads, term ${s.nodes.find((v) => v.id === s.leader)?.term ?? '?'}`));
  // While playing, the lines stay as they are while the pointer is over them or the focus in them (a
  // chip would otherwise move away or vanish as it is clicked or focused, and focus fall to the page).
  const [pointerIn, setPointerIn] = useState(false);
  const [focusIn, setFocusIn] = useState(false);
  const [heldAt, setHeldAt] = useState<{ version: number; lastStep: typeof lastStep } | null>(null);
  const holding = playing && (pointerIn || focusIn);
  if (holding && heldAt === null) setHeldAt({ version, lastStep });
  else if (!holding && heldAt !== null) setHeldAt(null);
  const shownVersion = heldAt?.version ?? version;
  const shownStep = heldAt?.lastStep ?? lastStep;
  const lines = useMemo(() => {
    void shownVersion;
    // Explain in the context of the feed, so replies know their request and timers their outcome.
    const items = getView().feedTail(400);
    // Null only before the engine has loaded, when there are no events.
    const ex = explainers();
    if (ex === null) return [];
    const { categoriesOf, explainItem } = ex;
    const start = shownStep.length > 0 ? items.findIndex((i) => i.seq === shownStep[0].seq) : -1;
    let picked: number[] = [];
    if (playing) {
      const cats = categoriesOf(items);
      for (let i = items.length - 1; i >= 0 && picked.length < MAX_LINES; i--) if (cats[i] !== 'background') picked.push(i);
    } else if (start >= 0) {
      for (let i = start; i < items.length; i++) picked.push(i);
    }
    picked = picked.sort((a, b) => a - b);
    const lines = picked.map((i) => ({ seq: items[i].seq, kind: items[i].e.kind, ...explainItem(items, i, actorOf(by, items[i].seq)) }));
    // A violation is the one line that must not scroll out of sight.
    return [...lines.filter((l) => l.kind === 'violation'), ...lines.filter((l) => l.kind !== 'violation')];
  }, [shownStep, playing, shownVersion, by]);
  const extra = lines.length - MAX_LINES;
  return (
    <section
      className={playing ? 'narration live' : 'narration'}
      aria-labelledby="narration-title"
      tabIndex={0}
      onPointerEnter={() => setPointerIn(true)}
      onPointerLeave={() => setPointerIn(false)}
      onFocus={() => setFocusIn(true)}
      onBlur={(e: FocusEvent) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setFocusIn(false);
      }}
    >
      <p className="sr-only" aria-live="polite" data-testid="leader-news">
        {playing ? leads : ''}
      </p>
      {/* Read out while paused: what happened, not "Coming up" below (its forecasts and times change at every step). */}
      <div aria-live={playing ? 'off' : 'polite'} data-testid="narration-news">
        <h2 id="narration-title">
          {playing ? 'Now' : 'What just happened'}
          {heldAt !== null && <span className="muted held"> · held while you look</span>}
        </h2>
        {lines.length === 0 ? (
          <p className="hint">
            {playing ? 'Playing…' : 'Paused.'}{' '}
            {touch ? (
              <>
                Tap <strong>Step</strong> to move one event.
              </>
            ) : (
              <>
                Press <kbd>S</kbd> to step one event, <kbd>E</kbd> to run to the next election, <kbd>?</kbd> for all shortcuts.
              </>
            )}
          </p>
        ) : (
          <ol>
            {lines.slice(0, MAX_LINES).map((l) => (
              <li key={l.seq} className={`k-${l.kind}`}>
                {l.text}
                {l.rule && <RuleChips rule={l.rule} />}
              </li>
            ))}
            {extra > 0 && <li className="more">…and {extra} more in the event feed</li>}
          </ol>
        )}
        {!playing && skipped > 0 && lines.length > 0 && (
          <p className="hint" data-testid="step-skipped">
            Step passed over {skipped} event{skipped === 1 ? '' : 's'} of other kinds{skippedKinds(skippedBy!.seq, skipped)}: choose what Step moves to beside the button.
          </p>
        )}
      </div>
      {!playing && <ComingUp />}
    </section>
  );
}
