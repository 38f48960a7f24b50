// The simulator page: toolbar, timeline, cluster view with narration, side panels and the bottom event feed / space-time diagram.
import { Activity, Suspense, lazy, useEffect, useState, type ReactNode } from 'react';
import { afterEngine, armSlowElection, loadEngine, markFirstFrame, setBottomTab, setPlaying, setTab, startLoop, useSim, type BottomTab, type Tab } from '../store/sim';
import { handleKey } from './actions';
import { ClusterView, Legend } from './ClusterView';
import { EventFeed } from './EventFeed';
import { GuideHost } from './guide/GuideHost';
import { LessonHost, useLessonView } from './lesson/LessonHost';
import { useLessonTab } from './lesson/lessonTab';
import { CompareHost } from './compare/CompareHost';
import { useCompare } from './compare/compareState';
import { useGuideHost } from './guide/hostState';
import '../store/branchesLater';
import { useForked } from '../store/forked';
import { Inspector } from './Inspector';
import { Narration } from './Narration';
import { NoticeBar } from './NoticeBar';
import { useReference } from './referenceState';
import { useShareLinkOnLoad } from './shareLink';
import { Tabs } from './Tabs';
import { Timeline } from './Timeline';
import { Toolbar } from './Toolbar';
import { Welcome } from './Welcome';
import { firstVisit, showWelcome } from './welcomeState';

// Panels off the first screen load on demand, keeping the first download small.
const ClientPanel = lazy(() => afterEngine(() => import('./ClientPanel')).then((m) => ({ default: m.ClientPanel })));
const ConfigPanel = lazy(() => afterEngine(() => import('./ConfigPanel')).then((m) => ({ default: m.ConfigPanel })));
const CorrectnessPanel = lazy(() => afterEngine(() => import('./CorrectnessPanel')).then((m) => ({ default: m.CorrectnessPanel })));
const MetricsPanel = lazy(() => afterEngine(() => import('./MetricsPanel')).then((m) => ({ default: m.MetricsPanel })));
const SharePanel = lazy(() => afterEngine(() => import('./SharePanel')).then((m) => ({ default: m.SharePanel })));
const FaultsPanel = lazy(() => afterEngine(() => import('./FaultsPanel')).then((m) => ({ default: m.FaultsPanel })));
const HelpOverlay = lazy(() => import('./HelpOverlay').then((m) => ({ default: m.HelpOverlay })));
const ReferenceCard = lazy(() => import('./ReferenceCard').then((m) => ({ default: m.ReferenceCard })));
const ClocksPanel = lazy(() => afterEngine(() => import('./ClocksPanel')).then((m) => ({ default: m.ClocksPanel })));
const SpaceTime = lazy(() => afterEngine(() => import('./SpaceTime')).then((m) => ({ default: m.SpaceTime })));
const LessonPanel = lazy(() => afterEngine(() => import('./lesson/LessonPanel')).then((m) => ({ default: m.LessonPanel })));
const ExplorePanel = lazy(() => afterEngine(() => import('./explore/ExplorePanel')).then((m) => ({ default: m.ExplorePanel })));
const BranchTree = lazy(() => afterEngine(() => import('./compare/BranchTree')).then((m) => ({ default: m.BranchTree })));

const loading = <p className="hint">Loading…</p>;

const SIDE_TABS: ReadonlyArray<{ id: Tab; label: string }> = [
  { id: 'inspect', label: 'Inspect' },
  { id: 'faults', label: 'Faults' },
  { id: 'client', label: 'Client' },
  { id: 'checks', label: 'Checks' },
  { id: 'metrics', label: 'Metrics' },
  { id: 'config', label: 'Config' },
  { id: 'share', label: 'Share' },
  { id: 'lesson', label: 'Lesson' },
  { id: 'explore', label: 'Explore' },
];

const BOTTOM_TABS: ReadonlyArray<{ id: BottomTab; label: string }> = [
  { id: 'events', label: 'Events' },
  { id: 'spacetime', label: 'Space-time diagram' },
  { id: 'clocks', label: 'Clocks' },
];

/** Each side tab's panel. */
const SIDE_PANELS: Record<Tab, () => ReactNode> = {
  inspect: () => <Inspector />,
  faults: () => <FaultsPanel />,
  client: () => <ClientPanel />,
  checks: () => <CorrectnessPanel />,
  metrics: () => <MetricsPanel />,
  config: () => <ConfigPanel />,
  share: () => <SharePanel />,
  lesson: () => <LessonPanel />,
  explore: () => <ExplorePanel />,
};

/**
 * Tabs whose panel goes on working while another tab is shown (an exploration runs in a worker that
 * leaving the tab must not stop); it reads nothing from the running simulation, so it costs nothing hidden.
 */
const KEEP_RUNNING: ReadonlySet<Tab> = new Set(['explore']);

function SidePanel() {
  const tab = useSim((s) => s.tab);
  // The Lesson tab shows only while a lesson is being written (opened from the guides' list).
  const lesson = useLessonTab((s) => s.shown) || tab === 'lesson';
  // A tab once opened keeps its panel, hidden while another tab is shown, so that what a learner typed or
  // picked there (a config draft, a console line, rules switched off, a scenario) is still there on return.
  // Hidden in an Activity, a panel keeps its state but not its effects: its store subscriptions pause, so a
  // hidden panel costs the running page nothing, and it catches up when shown again.
  const [opened, setOpened] = useState<readonly Tab[]>([tab]);
  if (!opened.includes(tab)) setOpened([...opened, tab]);
  return (
    <section className="side" aria-label="Panels">
      <Tabs idPrefix="side" tabs={lesson ? SIDE_TABS : SIDE_TABS.filter((t) => t.id !== 'lesson')} value={tab} onChange={setTab} label="Panels" />
      {opened.map((id) => {
        const shown = id === tab;
        const body = <Suspense fallback={loading}>{SIDE_PANELS[id]()}</Suspense>;
        return (
          <div key={id} className="side-body" role="tabpanel" tabIndex={0} id={`side-panel-${id}`} aria-labelledby={`side-tab-${id}`} hidden={!shown}>
            {KEEP_RUNNING.has(id) ? body : <Activity mode={shown ? 'visible' : 'hidden'}>{body}</Activity>}
          </div>
        );
      })}
    </section>
  );
}

function BottomPanel() {
  const tab = useSim((s) => s.bottomTab);
  return (
    <section className="bottom" aria-label="History">
      <Tabs idPrefix="bottom" tabs={BOTTOM_TABS} value={tab} onChange={setBottomTab} label="History views" />
      <div className="bottom-body" role="tabpanel" tabIndex={0} id={`bottom-panel-${tab}`} aria-labelledby={`bottom-tab-${tab}`}>
        <Suspense fallback={loading}>
          {tab === 'events' && <EventFeed />}
          {tab === 'spacetime' && <SpaceTime />}
          {tab === 'clocks' && <ClocksPanel />}
        </Suspense>
      </div>
    </section>
  );
}

function Help() {
  const open = useSim((s) => s.helpOpen);
  if (!open) return null;
  return (
    <Suspense fallback={null}>
      <HelpOverlay />
    </Suspense>
  );
}

/** The branch tree under the timeline, loaded once the run first forks (until then there is nothing to draw). */
function Branches() {
  const forked = useForked((s) => s.forked);
  if (!forked) return null;
  return (
    <Suspense fallback={null}>
      <BranchTree />
    </Suspense>
  );
}

/**
 * On one column (phones, tablets) a node's details open in the Inspect panel far below the cluster: a
 * tap on a node showed only a ring. This line says so and goes there (hidden on wide screens, where the
 * panel is beside the cluster).
 */
function SelectedJump() {
  const node = useSim((s) => s.selection.node);
  const tab = useSim((s) => s.tab);
  if (node === null || tab !== 'inspect') return null;
  return (
    <p className="selected-jump">
      <button
        type="button"
        className="btn small"
        onClick={() => {
          const panel = document.getElementById('side-panel-inspect');
          if (panel === null) return;
          panel.focus({ preventScroll: true });
          // The details may still be loading (the page not yet long enough to bring the panel to the top):
          // follow for a second of frames until it is there.
          let frames = 60;
          const go = (): void => {
            panel.scrollIntoView({ block: 'start' });
            if (--frames > 0 && panel.getBoundingClientRect().top > 1) requestAnimationFrame(go);
          };
          go();
        }}
      >
        {node} selected: its details ↓
      </button>
    </p>
  );
}

function Reference() {
  const open = useReference((s) => s.open);
  if (open === null) return null;
  return (
    <Suspense fallback={null}>
      <ReferenceCard />
    </Suspense>
  );
}

export function App() {
  useEffect(() => {
    // A first visit starts paused on the welcome; its free play shows the first election in slow motion.
    if (!firstVisit()) return;
    setPlaying(false);
    armSlowElection();
    showWelcome();
  }, []);
  useEffect(() => startLoop(), []);
  useEffect(() => {
    // The first frame (drawn without the engine, see store/firstFrame.ts) goes on screen with this frame;
    // the engine loads just after it, and actions asked for meanwhile wait for it.
    let timer = 0;
    const raf = requestAnimationFrame(() => {
      timer = window.setTimeout(() => {
        markFirstFrame();
        void loadEngine();
      });
    });
    return () => {
      cancelAnimationFrame(raf);
      clearTimeout(timer);
    };
  }, []);
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (handleKey(e)) e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  useShareLinkOnLoad();
  // While the guide covers the page, the simulator behind it takes no focus, no clicks and no scrolling.
  const guideOpen = useGuideHost((s) => s.open);
  // Any layer over the page (guide, lesson, comparison) stops the page behind it from scrolling. A class,
  // not `html:has(.guide-layer)`: that selector restyled the whole document on every DOM change (issue 11).
  const lessonOpen = useLessonView((s) => s.markdown !== null || s.error !== null);
  const compareOpen = useCompare((s) => s.open);
  const covered = guideOpen || lessonOpen || compareOpen;
  useEffect(() => {
    document.documentElement.classList.toggle('guide-open', covered);
  }, [covered]);
  return (
    <div className="app">
      <div className="sim-part" inert={guideOpen}>
        <a className="skip" href="#cluster-view">
          Skip to the cluster view
        </a>
        <Toolbar />
        <Welcome />
        <NoticeBar />
      </div>
      <GuideHost />
      <LessonHost />
      <CompareHost />
      <div className="sim-part" inert={guideOpen}>
        <Timeline />
        <Branches />
        <main className="main">
          <section className="stage" aria-label="Cluster">
            <ClusterView />
            <SelectedJump />
            <aside className="stage-side">
              <Narration />
              <Legend />
            </aside>
          </section>
          <SidePanel />
          <BottomPanel />
        </main>
      </div>
      <Help />
      <Reference />
    </div>
  );
}
