// The guide's screens inside the page (loaded when the guide first opens): the chapter list or a
// chapter, the hand-off to free play, and the bar shown while the learner plays with a guide's cluster.
import { useState } from 'react';
import { chapterById, chapters } from '../../guides';
import type { SimCluster } from '../../sim/cluster';
import { showNotice, useSim } from '../../store/sim';
import { LessonEntry } from '../lesson/LessonEntry';
import { GoalNote, GuideMenu, GuidePlayer } from './GuidePlayer';
import { freePlayRunner, handToFreePlay } from './handoff';
import { closeGuide, enterFreePlay, MENU, navigated, openGuide, returnToGuide, useGuideHost } from './hostState';
import { checkGoal, type GoalResult } from './model';
import { winChallenge } from './progress';
import { resolveGuideRoute, type GuideRoute } from './route';
import { LayerError } from '../LayerError';

function describe(from: GuideRoute): string {
  return from.kind === 'challenge' ? 'its challenge' : from.kind === 'step' && from.step > 0 ? `step ${from.step}` : 'its introduction';
}

/** "Try it yourself": the simulator takes the guide's cluster over (same options, actions and moment). */
function takeOver(cluster: SimCluster, from: GuideRoute): string | undefined {
  const r = handToFreePlay(cluster);
  if (!r.ok) return r.error;
  enterFreePlay(from);
  // The free-play bar says whose cluster this is; a notice only when the copy is not exact.
  if (!r.exact) showNotice({ kind: 'error', text: `The simulator's copy of the guide's cluster does not match it exactly (a replay difference). You can still play with it.` });
  return undefined;
}

/** The open guide: the chapter list, or a chapter at the route's step. */
/** The guide layer's content, behind an error boundary: a chapter that fails to render says so, and the page behind it stays. */
export function GuideScreen() {
  const jump = useGuideHost((s) => s.jump);
  return (
    <LayerError key={jump} what="This guide" onClose={closeGuide}>
      <GuideScreenBody />
    </LayerError>
  );
}

function GuideScreenBody() {
  const route = useGuideHost((s) => s.route);
  const error = useGuideHost((s) => s.error);
  const jump = useGuideHost((s) => s.jump);
  // A link to a chapter or step that does not exist shows the list and says why.
  const resolved = resolveGuideRoute(route, chapters);
  const chapter = resolved.ok ? resolved.chapter : undefined;
  if (chapter === undefined || route.kind === 'menu') {
    return (
      <GuideMenu
        key={`menu-${jump}`}
        error={resolved.ok ? error : resolved.error}
        onOpen={(id, step) => openGuide({ kind: 'step', chapter: id, step })}
        onClose={closeGuide}
        footer={<LessonEntry />}
      />
    );
  }
  return (
    <GuidePlayer
      key={`${chapter.id}-${jump}`}
      chapter={chapter}
      start={route.kind === 'challenge' ? 'challenge' : route.step}
      onNavigate={navigated}
      onTakeOver={takeOver}
      onMenu={() => openGuide(MENU)}
      onClose={closeGuide}
      onOpenChapter={(id) => openGuide({ kind: 'step', chapter: id, step: 0 })}
    />
  );
}

/** Shown over the simulator while the learner plays with a cluster taken from the guide. */
export function FreePlayBar() {
  const from = useGuideHost((s) => s.freePlay);
  const runId = useGuideHost((s) => s.freePlayRun);
  const sameRun = useSim((s) => s.runId) === runId;
  const [goal, setGoal] = useState<GoalResult | undefined>(undefined);
  if (from === undefined) return null;
  const chapter = from.kind === 'menu' ? undefined : chapterById(from.chapter);
  const challenge = from.kind === 'challenge' && sameRun ? chapter?.challenge : undefined;
  const check = (): void => {
    if (chapter === undefined || challenge === undefined) return;
    let result: GoalResult;
    try {
      const runner = freePlayRunner();
      result = checkGoal(runner, challenge.goal);
      runner.dispose();
    } catch (err) {
      result = { ok: false, detail: `the check could not run: ${err instanceof Error ? err.message : String(err)}` };
    }
    if (result.ok) winChallenge(chapter.id);
    setGoal(result);
  };
  return (
    <section className="guide-freeplay" aria-label="Guide">
      <p>
        {sameRun ? 'Free play with the cluster from the guide ' : 'You started another run. The guide '}
        <strong>{chapter?.title ?? ''}</strong> ({describe(from).replace(/^its /, '')})
        {sameRun ? ', from the moment you were looking at: it is yours now — play, pause, break things.' : ' is waiting for you.'}
      </p>
      {challenge !== undefined && (
        <button type="button" className="btn" onClick={check}>
          Check the challenge
        </button>
      )}
      <button type="button" className="btn primary" onClick={returnToGuide}>
        Return to the guide
      </button>
      {goal !== undefined && sameRun && <GoalNote goal={goal} />}
    </section>
  );
}
