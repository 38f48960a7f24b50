// The actions registry: every user intent has one name, label, key and perform, used by the toolbar, keyboard shortcuts, the help overlay and tests.
import {
  SPEEDS,
  act,
  getView,
  restartRun,
  runUntilCommit,
  runUntilElection,
  runUntilLeader,
  seek,
  selectMessage,
  selectNode,
  setHelpOpen,
  setSpeedIndex,
  stepDelivery,
  stepEvent,
  togglePlay,
  useSim,
  type SimState,
} from '../store/sim';
import { timeoutBlocked } from './timeoutBlock';

export type ActionGroup = 'Playback' | 'Time travel' | 'Faults' | 'Client' | 'Selection' | 'Help';

export interface Action {
  name: string;
  label: string;
  group: ActionGroup;
  /** KeyboardEvent.key values that trigger it (without modifiers other than Shift). */
  keys?: readonly string[];
  /** How the key is shown to people. */
  keyLabel?: string;
  enabled?: (s: SimState) => boolean;
  perform: () => void;
}

const selected = (s: SimState): string | null => s.selection.node;
const viewOf = (s: SimState, id: string | null) => (id === null ? undefined : s.nodes.find((n) => n.id === id));
const hasSelection = (s: SimState): boolean => selected(s) !== null && s.nodeIds.includes(selected(s)!);
const notBusy = (s: SimState): boolean => s.task === null;

/** Simulated ms to jump with the arrow keys: a tenth of a typical election timeout. */
const NUDGE_MS = 10;

let commandCounter = 0;

/** A fresh, readable command for the "propose" shortcut. */
export function nextCommand(): string {
  commandCounter += 1;
  return `set x=${commandCounter}`;
}

export const ACTIONS: readonly Action[] = [
  {
    name: 'togglePlay', label: 'Play / pause',
    group: 'Playback', keys: [' ', 'k'], keyLabel: 'Space', perform: togglePlay,
  },
  {
    name: 'stepEvent', label: 'Step',
    group: 'Playback', keys: ['s', '.'], keyLabel: 'S', enabled: notBusy, perform: stepEvent,
  },
  {
    name: 'stepDelivery', label: 'Next delivery',
    group: 'Playback', keys: ['d'], keyLabel: 'D', enabled: notBusy, perform: stepDelivery,
  },
  {
    name: 'nextElection', label: 'Next election',
    group: 'Playback', keys: ['e'], keyLabel: 'E', enabled: notBusy, perform: runUntilElection,
  },
  {
    name: 'nextLeader', label: 'Next leader',
    group: 'Playback', keys: ['l'], keyLabel: 'L', enabled: notBusy, perform: runUntilLeader,
  },
  {
    name: 'nextCommit', label: 'Next commit',
    group: 'Playback', keys: ['c'], keyLabel: 'C', enabled: notBusy, perform: runUntilCommit,
  },
  {
    name: 'slower', label: 'Slower',
    group: 'Playback', keys: ['[', '-'], keyLabel: '[', perform: () => setSpeedIndex(useSim.getState().speedIndex - 1),
  },
  {
    name: 'faster', label: 'Faster',
    group: 'Playback', keys: [']', '+', '='], keyLabel: ']', perform: () => setSpeedIndex(useSim.getState().speedIndex + 1),
  },
  {
    name: 'fastForward', label: 'Fast-forward',
    group: 'Playback', keys: ['f'], keyLabel: 'F', perform: () => {
      setSpeedIndex(SPEEDS.length - 1);
      if (!useSim.getState().playing) togglePlay();
    },
  },
  {
    name: 'back', label: 'Back 10 ms',
    group: 'Time travel', keys: ['ArrowLeft'], keyLabel: '←', enabled: notBusy, perform: () => seek(getView().now - NUDGE_MS),
  },
  {
    name: 'backMore', label: 'Back 100 ms',
    group: 'Time travel', keys: ['Shift+ArrowLeft'], keyLabel: 'Shift ←', enabled: notBusy, perform: () => seek(getView().now - NUDGE_MS * 10),
  },
  {
    name: 'forward', label: 'Forward 10 ms',
    group: 'Time travel', keys: ['ArrowRight'], keyLabel: '→', enabled: notBusy, perform: () => seek(getView().now + NUDGE_MS),
  },
  {
    name: 'forwardMore', label: 'Forward 100 ms',
    group: 'Time travel', keys: ['Shift+ArrowRight'], keyLabel: 'Shift →', enabled: notBusy, perform: () => seek(getView().now + NUDGE_MS * 10),
  },
  {
    name: 'toStart', label: 'To start',
    group: 'Time travel', keys: ['Home'], keyLabel: 'Home', enabled: notBusy, perform: () => seek(0),
  },
  {
    name: 'toEnd', label: 'To end',
    group: 'Time travel', keys: ['End'], keyLabel: 'End', enabled: notBusy, perform: () => seek(useSim.getState().horizon),
  },
  {
    name: 'restartRun', label: 'New run',
    group: 'Time travel', keys: ['R'], keyLabel: 'Shift R', perform: restartRun,
  },
  {
    name: 'crashToggle', label: 'Crash / restart',
    group: 'Faults', keys: ['x'], keyLabel: 'X', enabled: hasSelection, perform: () => {
      const s = useSim.getState();
      const id = selected(s);
      if (id === null) return;
      act(viewOf(s, id)?.up === false ? 'restart' : 'crash', [id]);
    },
  },
  {
    name: 'crashLeader', label: 'Crash leader',
    group: 'Faults', keys: ['X'], keyLabel: 'Shift X', enabled: (s) => s.leader !== undefined, perform: () => {
      const leader = useSim.getState().leader;
      if (leader !== undefined) act('crash', [leader]);
    },
  },
  {
    name: 'timeoutNode', label: 'Time out',
    group: 'Faults', keys: ['t'], keyLabel: 'T', enabled: (s) => {
      const v = viewOf(s, selected(s));
      return v !== undefined && timeoutBlocked(v) === null;
    }, perform: () => {
      const id = selected(useSim.getState());
      if (id !== null) act('timeout', [id]);
    },
  },
  {
    name: 'disconnectToggle', label: 'Disconnect / reconnect',
    group: 'Faults', keys: ['i'], keyLabel: 'I', enabled: hasSelection, perform: () => {
      const s = useSim.getState();
      const id = selected(s);
      if (id === null) return;
      act(viewOf(s, id)?.connected === false ? 'reconnect' : 'disconnect', [id]);
    },
  },
  {
    name: 'heal', label: 'Heal network',
    group: 'Faults', keys: ['h'], keyLabel: 'H', perform: () => act('heal', []),
  },
  {
    name: 'propose', label: 'Propose to leader',
    group: 'Client', keys: ['p'], keyLabel: 'P', enabled: (s) => s.leader !== undefined, perform: () => {
      const leader = useSim.getState().leader;
      if (leader !== undefined) act('propose', [leader, nextCommand()]);
    },
  },
  {
    name: 'nextNode', label: 'Select next node',
    group: 'Selection', keys: ['n'], keyLabel: 'N', perform: () => {
      const s = useSim.getState();
      const i = s.selection.node === null ? -1 : s.nodeIds.indexOf(s.selection.node);
      selectNode(s.nodeIds[(i + 1) % s.nodeIds.length]);
    },
  },
  {
    name: 'clearSelection', label: 'Clear selection',
    group: 'Selection', keys: ['Escape'], keyLabel: 'Esc', perform: () => {
      selectNode(null);
      selectMessage(null);
      setHelpOpen(false);
    },
  },
  {
    name: 'help', label: 'Keyboard shortcuts',
    group: 'Help', keys: ['?'], keyLabel: '?', perform: () => setHelpOpen(!useSim.getState().helpOpen),
  },
];

const byName = new Map(ACTIONS.map((a) => [a.name, a]));

export function getAction(name: string): Action {
  const a = byName.get(name);
  if (a === undefined) throw new RangeError(`unknown action '${name}'`);
  return a;
}

/** Performs an action by name when it is enabled; returns whether it ran. */
export function perform(name: string): boolean {
  const a = getAction(name);
  if (a.enabled && !a.enabled(useSim.getState())) return false;
  a.perform();
  return true;
}

/** Digits select nodes n1..n9 (0 selects the tenth). */
function digitNode(key: string): string | undefined {
  if (!/^[0-9]$/.test(key)) return undefined;
  const ids = useSim.getState().nodeIds;
  return ids[key === '0' ? 9 : Number(key) - 1];
}

/** The action a key press triggers, if any. */
export function actionForKey(e: Pick<KeyboardEvent, 'key' | 'shiftKey' | 'ctrlKey' | 'metaKey' | 'altKey'>): Action | undefined {
  if (e.ctrlKey || e.metaKey || e.altKey) return undefined;
  const named = e.shiftKey && e.key.startsWith('Arrow') ? `Shift+${e.key}` : e.key;
  return ACTIONS.find((a) => a.keys?.includes(named));
}

/** Handles a key press for the whole page; returns true when it did something. */
/** Roles whose element answers Space and Enter itself. */
const OWN_KEYS: ReadonlySet<string> = new Set(['button', 'link', 'tab', 'menuitem', 'checkbox', 'radio', 'switch', 'option']);

export function handleKey(e: KeyboardEvent): boolean {
  const target = e.target as HTMLElement | null;
  const tag = target?.tagName;
  if (tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || target?.isContentEditable) return false;
  // A modal dialog (help, reference card) has the keys to itself, the page behind it being inert: only Escape
  // and ? (which close the help) get through.
  if (e.key !== 'Escape' && e.key !== '?' && typeof document !== 'undefined' && document.querySelector('dialog[open]') !== null) return false;
  // Buttons, links, disclosures and other controls answer Space/Enter themselves.
  if ((e.key === ' ' || e.key === 'Enter') && (tag === 'BUTTON' || tag === 'A' || tag === 'SUMMARY' || OWN_KEYS.has((typeof target?.getAttribute === 'function' ? target.getAttribute('role') : null) ?? ''))) return false;
  if (e.defaultPrevented) return false;
  const node = !e.ctrlKey && !e.metaKey && !e.altKey ? digitNode(e.key) : undefined;
  if (node !== undefined) {
    selectNode(node);
    return true;
  }
  const a = actionForKey(e);
  if (a === undefined) return false;
  if (a.enabled && !a.enabled(useSim.getState())) return true;
  a.perform();
  return true;
}
