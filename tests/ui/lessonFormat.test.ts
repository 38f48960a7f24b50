// @vitest-environment happy-dom
// The lesson editor's text: actions played in the page become scenario lines that rebuild the page's cluster exactly; the lesson
// becomes a chapter file the guide loader accepts; links round-trip; bad links and bad lessons give errors with their line.
import { readdirSync, readFileSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import { walkChapter, ChapterSession } from '../../src/guides/chapters';
import { act, finishTask, getDriver, seek, useSim } from '../../src/store/sim';
import { clusterFingerprint } from '../../src/ui/guide/model';
import {
  copyDifferences, decodeLessonHash, encodeLessonHash, keptParts, lessonToMarkdown, loadLesson, markdownToLesson, type Lesson,
} from '../../src/ui/lesson/lessonFormat';
import { suggestChecks } from '../../src/ui/lesson/lessonRecord';
import { addStep, discardLesson, liveStep, noteLive, pendingStep, removeLastStep, restoreLessonRun, resumeLessonRun, setNextStep, startLesson, useLesson } from '../../src/ui/lesson/lessonStore';
import { freshRun } from './helpers';

function play(ms: number): void {
  seek(getDriver().now + ms);
  finishTask();
}

function twoStepLesson(): Lesson {
  startLesson('Crash the leader');
  play(700);
  const leader = getDriver().cluster.leader()!;
  setNextStep({ title: 'A leader', text: 'A leader was **elected**.', checks: suggestChecks(getDriver().views(true)) });
  expect(addStep()).toBeUndefined();
  act('crash', [leader]);
  play(900);
  setNextStep({
    title: 'It crashes',
    text: 'The others elect a new one.',
    checks: `expect ${leader} down\nexpect leader`,
    predict: { kind: 'pick-one', question: 'Will a new leader be elected?', choices: ['Yes', 'No'], correct: 'Yes', agrees: 'leader', explain: 'A majority is still up.' },
  });
  expect(addStep()).toBeUndefined();
  return useLesson.getState().draft!.lesson;
}

describe('recording a lesson in the page', () => {
  beforeEach(() => {
    discardLesson();
    freshRun({ seed: 7, nodes: 5 });
  });

  it('a two-step lesson loads as a chapter, walks green, and ends on exactly the page cluster', () => {
    const lesson = twoStepLesson();
    expect(lesson.steps).toHaveLength(2);
    expect(lesson.steps[1].scenario).toMatch(/^at [\d.]+ms #\d+ crash n\d\nat [\d.]+ms #\d+$/);
    const md = lessonToMarkdown(lesson);
    const loaded = loadLesson(md);
    if (!loaded.ok) throw new Error(loaded.error);
    expect(loaded.chapter.steps.map((s) => s.title)).toEqual(['A leader', 'It crashes']);
    const walk = walkChapter(loaded.chapter);
    expect(walk.failures).toEqual([]);
    const s = new ChapterSession(loaded.chapter);
    s.next();
    s.next();
    expect(clusterFingerprint(s.runner.cluster)).toBe(clusterFingerprint(getDriver().cluster));
  });

  it('the file reads back into the same lesson', () => {
    const lesson = twoStepLesson();
    const back = markdownToLesson(lessonToMarkdown(lesson));
    expect(back.steps.map((s) => [s.title, s.text, s.scenario, s.checks])).toEqual(lesson.steps.map((s) => [s.title, s.text, s.scenario, s.checks]));
    expect(back.steps[1].predict).toEqual(lesson.steps[1].predict);
    expect(back.seed).toBe(7);
  });

  it('removing the last step gives its actions back to the step being written', () => {
    twoStepLesson();
    removeLastStep();
    const d = useLesson.getState().draft!;
    expect(d.lesson.steps).toHaveLength(1);
    expect(d.next.title).toBe('It crashes');
    const p = pendingStep(d);
    expect(p.ok && p.lines).toMatch(/crash n\d/);
  });

  it('the step being recorded survives a reload: its actions and moment are kept, and come back exactly', () => {
    startLesson('Reload');
    play(700);
    expect(addStep()).toBeUndefined();
    const leader = getDriver().cluster.leader()!;
    act('crash', [leader]);
    play(400);
    const before = pendingStep(useLesson.getState().draft!);
    const print = clusterFingerprint(getDriver().cluster);
    noteLive(); // what the page does as it goes away
    // The reload: the draft comes back from storage, and the page starts a fresh run.
    const stored = JSON.parse(JSON.stringify(useLesson.getState().draft)) as NonNullable<ReturnType<typeof useLesson.getState>['draft']>;
    freshRun({ seed: 7, nodes: 5 });
    useLesson.setState({ draft: stored });
    expect(pendingStep(stored).ok).toBe(false);
    expect(liveStep(stored)?.at).toBe(before.ok ? before.to : NaN);
    expect(resumeLessonRun()).toBeUndefined();
    expect(clusterFingerprint(getDriver().cluster)).toBe(print);
    const after = pendingStep(useLesson.getState().draft!);
    expect(after).toEqual(before);
    // Going back to the end of the last step instead sets what was kept aside (no longer the step in progress).
    expect(restoreLessonRun()).toBeUndefined();
    expect(liveStep(useLesson.getState().draft!)).toBeUndefined();
    expect(useLesson.getState().draft!.runAside?.length).toBe(1);
  });

  it('going back before the end of the last step is refused with a reason', () => {
    twoStepLesson();
    seek(100);
    finishTask();
    const p = pendingStep(useLesson.getState().draft!);
    expect(p.ok).toBe(false);
    expect(addStep()).toMatch(/went back/);
    expect(useSim.getState().run.seed).toBe(7);
  });
});

describe('a lesson recorded on a cluster.yaml with its own node names', () => {
  const YAML = ['# A classroom cluster', 'nodes:', ...['paris', 'london', 'berlin', 'rome', 'madrid'].flatMap((id, i) => [`  - id: ${id}`, `    host: 10.0.0.${i + 1}`, '    port: 9101'])].join('\n') + '\n';

  beforeEach(() => {
    discardLesson();
    freshRun({ seed: 1, config: YAML });
  });

  it('loads with those names in its checks and recorded actions, and walks green to the page’s cluster', () => {
    startLesson('Crash on my cluster');
    play(700);
    const leader = getDriver().cluster.leader()!;
    expect(['paris', 'london', 'berlin', 'rome', 'madrid']).toContain(leader);
    setNextStep({ title: 'A leader', text: 'One node won.', checks: suggestChecks(getDriver().views(true)) });
    expect(addStep()).toBeUndefined();
    act('crash', [leader]);
    play(900);
    setNextStep({ title: 'It crashes', text: 'Another one leads.', checks: `expect ${leader} down\nexpect leader` });
    expect(addStep()).toBeUndefined();
    const md = lessonToMarkdown(useLesson.getState().draft!.lesson);
    expect(md).toContain(`expect leader ${leader}`);
    expect(md).toMatch(new RegExp(`#\\d+ crash ${leader}`));
    const loaded = loadLesson(md);
    if (!loaded.ok) throw new Error(loaded.error);
    const walk = walkChapter(loaded.chapter);
    expect(walk.failures).toEqual([]);
    const s = new ChapterSession(loaded.chapter);
    s.next();
    s.next();
    expect(clusterFingerprint(s.runner.cluster)).toBe(clusterFingerprint(getDriver().cluster));
  });
});

describe('lesson links', () => {
  beforeEach(() => {
    discardLesson();
    freshRun({ seed: 7, nodes: 5 });
  });

  it('a link round-trips the lesson', async () => {
    const md = lessonToMarkdown(twoStepLesson());
    const hash = await encodeLessonHash(md);
    expect(hash).toMatch(/^#lesson=z[\w-]+$/);
    const back = await decodeLessonHash(hash);
    expect(back.ok && back.markdown).toBe(md);
  });

  it('corrupt links say what is wrong', async () => {
    expect((await decodeLessonHash('#lesson=zAAAA')).ok).toBe(false);
    const r1 = await decodeLessonHash('#lesson=z!!!');
    expect(!r1.ok && r1.error).toMatch(/damaged/);
    const r2 = await decodeLessonHash('#lesson=q123');
    expect(!r2.ok && r2.error).toMatch(/unknown encoding/);
    const notLesson = `#lesson=j${btoa(JSON.stringify({ format: 'wiber-sim-run', version: 1 })).replace(/=+$/, '')}`;
    const r3 = await decodeLessonHash(notLesson);
    expect(!r3.ok && r3.error).toMatch(/does not hold a lesson \(it holds another kind of data \(here this page reads format "/);
  });

  it('a lesson with a bad scenario line is refused with that line', async () => {
    const md = lessonToMarkdown(twoStepLesson()).replace(/crash (n\d)/, 'crush $1');
    const r = await decodeLessonHash(await encodeLessonHash(md));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toMatch(/lesson\.md line \d+: .*crush/);
    expect(md.split('\n')[r.line! - 1]).toContain('crush');
  });
});

describe('a lesson file read into the editor and written again (Edit a copy)', () => {
  // Every course chapter, and a teacher's hand-written lesson (sources, seedIndependent, its own id).
  const files = [...readdirSync('guides').map((f) => `guides/${f}`), 'tests/ui/fixtures/my-lesson.md'];
  const copyOf = (file: string) => {
    const text = readFileSync(file, 'utf8');
    const original = loadLesson(text);
    if (!original.ok) throw new Error(original.error);
    const lesson = markdownToLesson(text);
    const copy = loadLesson(lessonToMarkdown(lesson));
    if (!copy.ok) throw new Error(`${file}: the copy does not load: ${copy.error}`);
    return { original: original.chapter, copy: copy.chapter, lesson };
  };

  it.each(files)('%s: the copy loads and says, checks and asks the same (run questions, setup and view blocks, sources kept)', (file) => {
    const { original, copy } = copyOf(file);
    expect(copyDifferences(original, copy)).toEqual([]);
    expect(copy.id).toBe(original.id.startsWith('lesson-') ? original.id : `lesson-${original.id}`);
  });

  it('a copy of guides/05-safety.md (three setup blocks) walks green on its seed, as the chapter does', () => {
    const { copy } = copyOf('guides/05-safety.md');
    expect(copy.steps.filter((s) => s.setup !== undefined)).toHaveLength(3);
    expect(walkChapter(copy).failures).toEqual([]);
  });

  it('guides/06-failover.md: its run questions and view block are kept as written, not turned into rule questions or prose', () => {
    const { lesson, copy } = copyOf('guides/06-failover.md');
    expect(copy.steps.some((s) => s.predict?.about === 'run')).toBe(true);
    expect(lesson.steps.some((s) => s.kept?.view?.includes('inspect: $old') === true)).toBe(true);
    expect(lesson.steps.map((s) => s.text).join('\n')).not.toMatch(/```(text|view|setup)/);
  });

  it('the teacher’s own lesson keeps its sources, seedIndependent and id, and the editor names what it keeps', () => {
    const { lesson, copy } = copyOf('tests/ui/fixtures/my-lesson.md');
    expect(copy).toMatchObject({ id: 'lesson-faults-five', seedIndependent: true, sources: [{ title: 'Raft paper §5.2', url: 'https://raft.github.io/raft.pdf' }] });
    expect(keptParts(lesson)).toEqual(['its sources (Raft paper §5.2)', 'seedIndependent: true (it must walk on any seed)']);
  });

  it('what the form would change is found (a summary on two lines becomes one): the page then does not offer the copy', () => {
    const text = readFileSync('tests/ui/fixtures/my-lesson.md', 'utf8').replace(/^summary: .*$/m, 'summary: |\n  Crash, partition and lost messages,\n  and what Raft does.');
    const original = loadLesson(text);
    const copy = loadLesson(lessonToMarkdown(markdownToLesson(text)));
    if (!original.ok || !copy.ok) throw new Error('does not load');
    expect(copyDifferences(original.chapter, copy.chapter)).toEqual(['summary']);
  });
});
