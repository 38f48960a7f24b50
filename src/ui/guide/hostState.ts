// Where the guide is in the page (closed, the chapter list, a chapter step, or free play with a guide's
// cluster), kept in sync with `#guide…` links. Light on purpose: the chapters and the player load only
// when the guide opens.
import { create } from 'zustand';
import { setPlaying, useSim } from '../../store/sim';
import { formatGuideHash, parseGuideHash, type GuideRoute } from './route';

export interface GuideHostState {
  /** The guide layer is showing. */
  open: boolean;
  route: GuideRoute;
  /** Why the address bar's guide link did not open (the chapter list shows it). */
  error: string | undefined;
  /** Bumped when the player must be rebuilt at `route` (a link from outside, "return to the guide"). */
  jump: number;
  /** Set while the learner plays freely with a cluster taken from the guide. */
  freePlay: GuideRoute | undefined;
  /** The simulator's run id right after the hand-off (a new run there ends the link to the guide's cluster). */
  freePlayRun: number;
}

export const MENU: GuideRoute = { kind: 'menu' };

export const INITIAL_HOST: GuideHostState = { open: false, route: MENU, error: undefined, jump: 0, freePlay: undefined, freePlayRun: 0 };

export const useGuideHost = create<GuideHostState>(() => ({ ...INITIAL_HOST }));

/** The hash the guide's state already reflects (written by the page or handled): its hashchange is not news. */
let current: string | undefined;

function writeHash(route: GuideRoute | undefined): void {
  const hash = route === undefined ? '' : formatGuideHash(route);
  current = hash;
  if (location.hash === hash) return;
  if (hash === '') history.pushState(null, '', location.pathname + location.search);
  else location.hash = hash;
}

function opened(): void {
  // The guide has its own cluster: the simulator behind it need not run.
  setPlaying(false);
}

const RUN_LINK = /^#[zj]=/;

/** Reads the address bar: opens the guide on a guide link (valid or not), closes it when the link leaves. */
export function syncGuideFromHash(): void {
  const hash = location.hash;
  if (hash === current) return;
  current = hash;
  const parsed = parseGuideHash(hash);
  const s = useGuideHost.getState();
  if (parsed === undefined) {
    // Leaving the guide with the browser's back button, or opening a shared run: show the simulator.
    if (s.open && (hash === '' || RUN_LINK.test(hash))) useGuideHost.setState({ open: false, error: undefined });
    return;
  }
  if (parsed.ok) useGuideHost.setState({ open: true, route: parsed.route, error: undefined, jump: s.jump + 1, freePlay: undefined });
  else useGuideHost.setState({ open: true, route: MENU, error: parsed.error, jump: s.jump + 1, freePlay: undefined });
  opened();
}

/** Opens the guide at `route` (default: the chapter list). */
export function openGuide(route: GuideRoute = MENU): void {
  const s = useGuideHost.getState();
  useGuideHost.setState({ open: true, route, error: undefined, jump: s.jump + 1, freePlay: undefined });
  writeHash(route);
  opened();
}

export function closeGuide(): void {
  useGuideHost.setState({ open: false, error: undefined, freePlay: undefined });
  writeHash(undefined);
  // Back to the Guides button the learner came from (once the page behind is no longer inert), not to the page's body.
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(() => [...document.querySelectorAll<HTMLElement>('[data-guides]')].find((b) => b.offsetParent !== null)?.focus());
}

/** The player moved on its own: remember where and mirror it in the address bar (the player stays). */
export function navigated(route: GuideRoute): void {
  useGuideHost.setState({ route });
  writeHash(route);
}

/** After a hand-off: hide the guide and show the free-play bar. */
export function enterFreePlay(from: GuideRoute): void {
  useGuideHost.setState({ open: false, route: from, freePlay: from, freePlayRun: useSim.getState().runId });
}

/** Back from free play: the guide rebuilds the step the learner left (by replay). */
export function returnToGuide(): void {
  const s = useGuideHost.getState();
  const route = s.freePlay ?? s.route;
  useGuideHost.setState({ open: true, route, freePlay: undefined, error: undefined, jump: s.jump + 1 });
  writeHash(route);
  opened();
}

/** Back to a closed guide that has seen no link (tests, and a page that wants a clean start). */
export function resetGuideHost(): void {
  current = undefined;
  useGuideHost.setState({ ...INITIAL_HOST });
}
