// The "?" dialog: every keyboard shortcut, listed from the actions registry, and the way to the reference card and the welcome.
import { setHelpOpen } from '../store/sim';
import { ACTIONS, type ActionGroup } from './actions';
import { ACTION_DESCRIPTIONS } from './actionDescriptions';
import { Dialog } from './Dialog';
import { openRule } from './referenceState';
import { showWelcome } from './welcomeState';

const GROUPS: ActionGroup[] = ['Playback', 'Time travel', 'Faults', 'Client', 'Selection', 'Help'];

export function HelpOverlay() {
  return (
    <Dialog title="Keyboard shortcuts" titleId="help-title" onClose={() => setHelpOpen(false)} className="help">
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
                    <strong>{a.label}</strong> — {ACTION_DESCRIPTIONS[a.name]}
                  </dd>
                </div>
              ))}
              {g === 'Selection' && (
                <div className="help-row">
                  <dt>
                    <kbd>1</kbd>…<kbd>9</kbd>, <kbd>0</kbd>
                  </dt>
                  <dd>
                    <strong>Select node</strong> — the 1st … 9th in the node list (0: the 10th)
                  </dd>
                </div>
              )}
            </dl>
          </section>
        ))}
      </div>
      <p className="hint">Click a node or a message in the cluster view to inspect it; click an event to jump there. The “§” chips next to explanations open the rule they cite.</p>
      <div className="row">
        <button
          type="button"
          className="btn"
          onClick={() => {
            setHelpOpen(false);
            openRule('');
          }}
        >
          Reference card (Figure 2 and the rules)
        </button>
        <button
          type="button"
          className="btn"
          onClick={() => {
            setHelpOpen(false);
            showWelcome();
          }}
        >
          Show the welcome again
        </button>
      </div>
    </Dialog>
  );
}
