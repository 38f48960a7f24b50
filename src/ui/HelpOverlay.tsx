// The "?" overlay: every keyboard shortcut, listed from the actions registry.
import { useEffect, useRef } from 'react';
import { setHelpOpen, useSim } from '../store/sim';
import { ACTIONS, type ActionGroup } from './actions';

const GROUPS: ActionGroup[] = ['Playback', 'Time travel', 'Faults', 'Selection', 'Help'];

export function HelpOverlay() {
  const open = useSim((s) => s.helpOpen);
  const closeRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (!open) return;
    const before = document.activeElement as HTMLElement | null;
    closeRef.current?.focus();
    return () => before?.focus?.();
  }, [open]);
  if (!open) return null;
  return (
    <div className="overlay" role="presentation" onClick={() => setHelpOpen(false)}>
      <div
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="help-title"
        onClick={(e) => e.stopPropagation()}
        onKeyDown={(e) => {
          if (e.key === 'Escape') setHelpOpen(false);
        }}
      >
        <header>
          <h2 id="help-title">Keyboard shortcuts</h2>
          <button type="button" className="btn" ref={closeRef} onClick={() => setHelpOpen(false)}>
            Close
          </button>
        </header>
        <div className="help-grid">
          {GROUPS.map((g) => (
            <section key={g}>
              <h3>{g}</h3>
              <dl>
                {ACTIONS.filter((a) => a.group === g && a.keyLabel).map((a) => (
                  <div key={a.name} className="help-row">
                    <dt>
                      <kbd>{a.keyLabel}</kbd>
                    </dt>
                    <dd>
                      <strong>{a.label}</strong> — {a.description}
                    </dd>
                  </div>
                ))}
                {g === 'Selection' && (
                  <div className="help-row">
                    <dt>
                      <kbd>1</kbd>…<kbd>9</kbd>
                    </dt>
                    <dd>
                      <strong>Select node</strong> — n1 … n9
                    </dd>
                  </div>
                )}
              </dl>
            </section>
          ))}
        </div>
        <p className="hint">Click a node or a message in the cluster view to inspect it; click an event to jump there.</p>
      </div>
    </div>
  );
}
