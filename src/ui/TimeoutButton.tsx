// The Time out button of a node (Faults table, Inspector): off, with its reason as the title, when forcing the timeout would do nothing.
import type { NodeView } from '../sim';
import { act } from '../store/sim';
import { timeoutBlocked } from './timeoutBlock';

export function TimeoutButton({ v, label }: { v: NodeView; label?: string }) {
  const blocked = timeoutBlocked(v);
  return (
    <button type="button" className="btn small" disabled={blocked !== null} title={blocked ?? undefined} onClick={() => act('timeout', [v.id])} aria-label={label}>
      Time out
    </button>
  );
}
