// The "Step to the next … event" selector: which kind of event Step moves to (Raft by default), in the
// simulator's toolbar and in the guide's step bar (where each step may choose what it watches).
import { useId } from 'react';
import { STEP_KINDS, type StepKind } from '../store/stepKindNames';
import { setStepKind, useSim } from '../store/sim';
import './stepKind.css';

/** Bound to the simulator's preference, or (with `value` and `onChange`) to a guide step's own. */
export function StepKindSelect({ className, value, onChange }: { className?: string; value?: StepKind; onChange?: (kind: StepKind) => void }) {
  const stored = useSim((s) => s.stepKind);
  const kind = value ?? stored;
  const set = onChange ?? setStepKind;
  const id = useId();
  return (
    <span className={className ?? 'step-kind'}>
      <label htmlFor={id} className="sr-only">
        Step to
      </label>
      <select
        id={id}
        value={kind}
        onChange={(e) => set(e.target.value as StepKind)}
        title="Step moves to the next event of this kind and passes over the others (pings, clock sync…)"
      >
        {STEP_KINDS.map((k) => (
          <option key={k.id} value={k.id} title={k.description}>
            {k.id === 'all' ? 'every event' : `next ${k.label} event`}
          </option>
        ))}
      </select>
    </span>
  );
}
