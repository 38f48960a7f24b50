// The "Step to the next … event" selector: which kind of event Step moves to (Raft by default); one
// preference shared by the simulator's toolbar and the guide's step bar.
import { useId } from 'react';
import { STEP_KINDS, type StepKind } from '../store/stepKinds';
import { setStepKind, useSim } from '../store/sim';
import './stepKind.css';

export function StepKindSelect({ className }: { className?: string }) {
  const kind = useSim((s) => s.stepKind);
  const id = useId();
  return (
    <span className={className ?? 'step-kind'}>
      <label htmlFor={id} className="sr-only">
        Step to
      </label>
      <select
        id={id}
        value={kind}
        onChange={(e) => setStepKind(e.target.value as StepKind)}
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
