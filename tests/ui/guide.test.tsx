// @vitest-environment happy-dom
// The guide player: chapters render, next/back move the step and the cluster (back rebuilds by replay),
// predict questions are judged against the engine, deep links parse and open, a failing step is
// reported instead of narrated, chapter text is only ever text, take-over and return, challenges.
import { act as rAct, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chapterById, chapters, loadChapter, sessionAt } from '../../src/guides';
import { act, finishTask, getDriver, seek, useSim } from '../../src/store/sim';
import { GuideHost } from '../../src/ui/guide/GuideHost';
import { resetGuideHost } from '../../src/ui/guide/hostState';
import { GuideMenu, GuidePlayer } from '../../src/ui/guide/GuidePlayer';
import { parseBlocks, safeHref } from '../../src/ui/guide/markdown';
import { clusterFingerprint } from '../../src/ui/guide/model';
import { resetProgress, useGuideProgress } from '../../src/ui/guide/progress';
import { formatGuideHash, parseGuideHash, resolveGuideRoute, routeFromHash, type GuideRoute } from '../../src/ui/guide/route';
import { freshRun } from './helpers';
import { loaded } from './loaded';

const election = chapterById('election')!;

const where = (): string => screen.getByTestId('guide-where').textContent ?? '';
const fp = (): string => screen.getByTestId('guide-cluster').getAttribute('data-fingerprint') ?? '';
const title = (): string => document.querySelector('.guide-step-title')?.textContent ?? '';
const click = (name: string | RegExp): void => {
  fireEvent.click(screen.getByRole('button', { name }));
};

function resetHost(): void {
  history.replaceState(null, '', location.pathname);
  resetGuideHost();
}

beforeEach(() => {
  resetProgress();
});
afterEach(() => {
  cleanup();
  resetHost();
});

describe('deep links', () => {
  it('parses and formats #guide links, 1-based steps, the introduction and the challenge', () => {
    expect(parseGuideHash('#guide')).toEqual({ ok: true, route: { kind: 'menu' } });
    expect(parseGuideHash('#guide/')).toEqual({ ok: true, route: { kind: 'menu' } });
    expect(parseGuideHash('#guide/election')).toEqual({ ok: true, route: { kind: 'step', chapter: 'election', step: 0 } });
    expect(parseGuideHash('#guide/election/3')).toEqual({ ok: true, route: { kind: 'step', chapter: 'election', step: 3 } });
    expect(parseGuideHash('#guide/election/3/')).toEqual({ ok: true, route: { kind: 'step', chapter: 'election', step: 3 } });
    expect(parseGuideHash('#guide/failure-detection/challenge')).toEqual({ ok: true, route: { kind: 'challenge', chapter: 'failure-detection' } });
    const routes: GuideRoute[] = [
      { kind: 'menu' },
      { kind: 'step', chapter: 'election', step: 0 },
      { kind: 'step', chapter: 'election', step: 7 },
      { kind: 'challenge', chapter: 'dedup' },
    ];
    for (const r of routes) expect(parseGuideHash(formatGuideHash(r))).toEqual({ ok: true, route: r });
    expect(formatGuideHash({ kind: 'step', chapter: 'election', step: 3 })).toBe('#guide/election/3');
    expect(formatGuideHash({ kind: 'step', chapter: 'election', step: 0 })).toBe('#guide/election');
  });

  it('leaves other hashes alone and explains bad guide links', () => {
    for (const h of ['', '#', '#z=abc', '#j=abc', '#cluster-view', '#guides', '#guidebook/x']) expect(parseGuideHash(h)).toBeUndefined();
    const bad = (h: string): string => {
      const r = parseGuideHash(h);
      if (r === undefined || r.ok) throw new Error(`${h} parsed`);
      return r.error;
    };
    expect(bad('#guide/election/x')).toMatch(/step must be a number/);
    expect(bad('#guide/election/-1')).toMatch(/step must be a number/);
    expect(bad('#guide/election/1.5')).toMatch(/step must be a number/);
    expect(bad('#guide/Election/1')).toMatch(/not a chapter name/);
    expect(bad('#guide/<script>/1')).toMatch(/not a chapter name/);
    expect(bad('#guide/%E0%A4%A/1')).toMatch(/not a chapter name/);
    expect(bad('#guide/a/1/2')).toMatch(/too many parts/);
  });

  it('checks routes against the chapters', () => {
    expect(resolveGuideRoute({ kind: 'step', chapter: 'election', step: 10 }, chapters).ok).toBe(true);
    const err = (h: string): string => {
      const r = routeFromHash(h, chapters);
      if (r === undefined || r.ok) throw new Error(`${h} resolved`);
      return r.error;
    };
    expect(err('#guide/nope/2')).toMatch(new RegExp(`there is no chapter 'nope' \\(chapters: ${chapters[0].id}, ${chapters[1].id}`));
    expect(err('#guide/election/11')).toMatch(/has 10 steps, so there is no step 11/);
    const without = chapters.find((c) => c.challenge === undefined);
    if (without !== undefined) expect(err(`#guide/${without.id}/challenge`)).toMatch(/has no challenge/);
  });
});

describe('safe prose', () => {
  it('lets an ordered list interrupt a paragraph only when it starts at 1 (CommonMark)', () => {
    // A run value at the start of a line ("in term\n2. (Usually…") must not become a list marker.
    expect(parseBlocks('won it, in term\n2. (Usually the first wins.)')).toEqual([
      { kind: 'p', text: 'won it, in term 2. (Usually the first wins.)' },
    ]);
    expect(parseBlocks('Steps:\n1. x\n2. y')).toEqual([
      { kind: 'p', text: 'Steps:' },
      { kind: 'ol', items: ['x', 'y'], start: 1 },
    ]);
    expect(parseBlocks('Para.\n\n3. x\n4. y')).toEqual([
      { kind: 'p', text: 'Para.' },
      { kind: 'ol', items: ['x', 'y'], start: 3 },
    ]);
  });
  it('parses paragraphs, lists with continuation lines, fences and headings', () => {
    const blocks = parseBlocks('One\ntwo\n\n- a\n  more\n- b\n\n1. x\n2. y\n\n```text\n<b>raw</b>\n```\n### H');
    expect(blocks).toEqual([
      { kind: 'p', text: 'One two' },
      { kind: 'ul', items: ['a more', 'b'], start: 1 },
      { kind: 'ol', items: ['x', 'y'], start: 1 },
      { kind: 'pre', text: '<b>raw</b>' },
      { kind: 'h', text: 'H' },
    ]);
    expect(safeHref('javascript:alert(1)')).toBeUndefined();
    expect(safeHref('JaVaScRiPt:alert(1)')).toBeUndefined();
    expect(safeHref('data:text/html,<script>')).toBeUndefined();
    expect(safeHref('src/core/raft/node.ts')).toBeUndefined();
    expect(safeHref('https://raft.github.io/raft.pdf')).toBe('https://raft.github.io/raft.pdf');
  });
});

/** A chapter whose intro and prose are hostile, and whose third step expects something impossible. */
const BROKEN = `---
id: broken
order: 99
title: "A <b>broken</b> chapter"
summary: "Summary <img src=x onerror=alert(1)>"
seed: 1
seedIndependent: false
sources:
  - title: "Bad source"
    url: "javascript:alert(1)"
  - title: "Raft"
    url: https://raft.github.io/
setup: |
  nodes 3
---

Intro <script>alert('intro')</script> with **bold**, *italic*, \`<code>\`, [a bad link](javascript:alert(1)) and
[a good one](https://raft.github.io/).

## One <i>title</i>

Prose <img src=x onerror=alert(1)> and <a href="javascript:alert(2)">click</a>.

\`\`\`scenario
run until leader within 2s
\`\`\`

## Two

Still fine.

\`\`\`scenario
run 100ms
\`\`\`

## Three

This sentence must never be shown.

\`\`\`scenario
run 100ms
\`\`\`

\`\`\`check
expect all term = 99
\`\`\`

## Four

Four.

## Five

Five.
`;

describe('the player', () => {
  it('renders a chapter; next and back change the step and the cluster, and back rewinds exactly', () => {
    render(<GuidePlayer chapter={election} />);
    expect(where()).toBe('Introduction');
    expect(title()).toBe('Leader election, event by event');
    expect(screen.getByRole('progressbar', { name: 'Chapter progress' }).getAttribute('aria-valuenow')).toBe('0');
    const fp0 = fp();
    expect(screen.getByTestId('guide-now').textContent).toBe('t = 0.0 ms');

    click('Skip the question');
    expect(where()).toBe('Step 1 of 10');
    expect(title()).toBe('Step 1: A timer runs out');
    expect(screen.getByText('election timer').tagName).toBe('STRONG');
    const fp1 = fp();
    expect(fp1).not.toBe(fp0);
    expect(screen.getByRole('progressbar', { name: 'Chapter progress' }).getAttribute('aria-valuenow')).toBe('1');
    // Skipped: the answer is still shown.
    expect(screen.getByTestId('guide-feedback').textContent).toMatch(/You skipped this question/);

    click('Skip the question');
    expect(title()).toBe('Step 2: The first vote');
    const fp2 = fp();
    expect(fp2).not.toBe(fp1);

    click('← Back');
    expect(where()).toBe('Step 1 of 10');
    expect(fp()).toBe(fp1);
    expect(fp()).toBe(clusterFingerprint(sessionAt(election, 1).session.runner.cluster));

    click('← Back');
    expect(where()).toBe('Introduction');
    expect(fp()).toBe(fp0);
    expect((screen.getByRole('button', { name: '← Back' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('step links jump to any step (rebuilt by replay) and the last step offers the challenge', () => {
    render(<GuidePlayer chapter={election} />);
    fireEvent.click(within(screen.getByRole('navigation', { name: 'Steps' })).getByRole('link', { name: '10' }));
    expect(where()).toBe('Step 10 of 10');
    expect(fp()).toBe(clusterFingerprint(sessionAt(election, 10).session.runner.cluster));
    expect(screen.queryByRole('button', { name: /Next/ })).toBeNull();
    click('Take the challenge →');
    expect(where()).toBe('Challenge');
    expect(title()).toBe(`Challenge: ${election.challenge!.title}`);
  });

  it('a predict question is judged against what the engine then did: right, then wrong', () => {
    const answers = sessionAt(election, 2).outcomes.map((o) => o.answer);
    render(<GuidePlayer chapter={election} />);
    expect(screen.getByText('Look at the election timers. Which node will time out first?')).toBeTruthy();
    const check = screen.getByRole('button', { name: 'Check my answer' }) as HTMLButtonElement;
    expect(check.disabled).toBe(true);
    fireEvent.click(within(screen.getByRole('group', { name: 'Pick a node' })).getByRole('button', { name: String(answers[0]) }));
    click('Check my answer');
    const right = screen.getByTestId('guide-feedback');
    expect(right.className).toMatch(/right/);
    expect(right.textContent).toMatch(new RegExp(`Right! You said ${answers[0]}`));

    // Wrong, picked by clicking the node in the cluster view.
    const wrong = ['n1', 'n2', 'n3', 'n4', 'n5'].find((id) => id !== answers[1])!;
    fireEvent.click(screen.getByRole('button', { name: new RegExp(`^Pick ${wrong}:`) }));
    expect(screen.getByRole('button', { name: new RegExp(`^Pick ${wrong}:`) }).getAttribute('aria-pressed')).toBe('true');
    click('Check my answer');
    const fb = screen.getByTestId('guide-feedback');
    expect(fb.className).toMatch(/wrong/);
    expect(fb.textContent).toMatch(new RegExp(`Not quite. You said ${wrong}; the engine’s answer was ${answers[1]}`));
  });

  it('number and pick-one questions', () => {
    const fd = chapterById('failure-detection')!;
    const answer = sessionAt(fd, 2).outcomes[1].answer;
    render(<GuidePlayer chapter={fd} start={1} />);
    fireEvent.change(screen.getByRole('spinbutton', { name: 'Your answer' }), { target: { value: String(answer) } });
    click('Check my answer');
    expect(screen.getByTestId('guide-feedback').textContent).toMatch(/Right!/);
    cleanup();

    const label = sessionAt(election, 10).outcomes[9].answer as string;
    render(<GuidePlayer chapter={election} start={9} />);
    const other = election.steps[9].predict!.choices!.map((c) => c.label).find((l) => l !== label)!;
    fireEvent.click(within(screen.getByRole('group', { name: 'Choices' })).getByRole('button', { name: other }));
    click('Check my answer');
    expect(screen.getByTestId('guide-feedback').textContent).toMatch(/Not quite/);
  });

  it('every chapter opens at its first and its last step without a failing check', () => {
    for (const c of chapters) {
      for (const k of [1, c.steps.length]) {
        render(<GuidePlayer chapter={c} start={k} />);
        expect(where(), c.id).toBe(`Step ${k} of ${c.steps.length}`);
        expect(screen.queryByTestId('guide-failure'), `${c.id} step ${k}`).toBeNull();
        expect(title()).toBe(`Step ${k}: ${c.steps[k - 1].title}`);
        cleanup();
      }
    }
  });

  it('renders hostile chapter text as text, and says so when a step does not hold instead of narrating it', () => {
    const chapter = loadChapter(BROKEN, 'guides/broken.md');
    const { container } = render(<GuidePlayer chapter={chapter} chapters={[chapter]} />);
    expect(container.querySelector('script, img, iframe, b, i, [onerror]')).toBeNull();
    expect(container.textContent).toContain("Intro <script>alert('intro')</script> with bold");
    expect(container.textContent).toContain('A <b>broken</b> chapter');
    expect(container.textContent).toContain('Summary <img src=x onerror=alert(1)>');
    expect(screen.getByText('<code>').tagName).toBe('CODE');
    for (const a of container.querySelectorAll('a[href]')) expect(a.getAttribute('href')).not.toMatch(/^\s*javascript:/i);
    const good = screen.getByRole('link', { name: 'a good one' });
    expect(good.getAttribute('href')).toBe('https://raft.github.io/');
    expect(good.getAttribute('rel')).toBe('noopener noreferrer');
    expect(screen.queryByRole('link', { name: 'a bad link' })).toBeNull();
    expect(screen.queryByRole('link', { name: 'Bad source' })).toBeNull();

    click('Start →');
    expect(title()).toBe('Step 1: One <i>title</i>');
    expect(container.textContent).toContain('Prose <img src=x onerror=alert(1)> and <a href="javascript:alert(2)">click</a>.');
    expect(container.querySelector('img, [onerror]')).toBeNull();

    click('Next →');
    click('Next →');
    expect(where()).toBe('Step 3 of 5');
    const failure = screen.getByTestId('guide-failure');
    expect(failure.textContent).toMatch(/did not go as the chapter expects/);
    expect(failure.textContent).toMatch(/expect all term = 99/);
    expect(container.textContent).not.toContain('This sentence must never be shown');
    expect(screen.queryByRole('button', { name: /Next/ })).toBeNull();
    // Rebuilding the step by replay reports the same failure.
    cleanup();
    render(<GuidePlayer chapter={chapter} chapters={[chapter]} start={5} />);
    expect(where()).toBe('Step 3 of 5');
    expect(screen.getByTestId('guide-failure')).toBeTruthy();
  });

  it('a challenge: Check says not yet, the solution typed as commands wins it', () => {
    const dedup = chapterById('dedup')!;
    render(<GuidePlayer chapter={dedup} start="challenge" />);
    // The commands it takes are listed (audit r6 learner #8): the solution's verbs are among them.
    const commands = [...screen.getByText('Commands').closest('details')!.querySelectorAll('li code')].map((c) => c.textContent!.split(' ')[0]);
    expect(commands).toEqual(expect.arrayContaining(['run', 'crash', 'partition', 'heal', 'cmd', 'pub', 'expect', 'check']));
    for (const verb of new Set(dedup.challenge!.solution.text.split('\n').map((l) => l.trim().split(' ')[0]).filter((w) => w !== '' && !w.startsWith('#')))) {
      expect(commands, `the solution's '${verb}'`).toContain(verb);
    }
    click('Check');
    expect(screen.getByTestId('guide-goal').textContent).toMatch(/^Not yet: /);
    fireEvent.change(screen.getByRole('textbox', { name: 'Scenario commands' }), { target: { value: dedup.challenge!.solution.text } });
    click('Run');
    expect(screen.getByTestId('guide-goal').textContent).toMatch(/Challenge complete!/);
    expect(useGuideProgress.getState().progress.dedup?.challenge).toBe(true);
    // A typo is reported, not thrown.
    fireEvent.change(screen.getByRole('textbox', { name: 'Scenario commands' }), { target: { value: 'crsh leader' } });
    click('Run');
    expect(screen.getByRole('alert').textContent).toMatch(/did you mean 'crash'/);
  });

  it('the chapter list shows titles, step counts and progress', () => {
    useGuideProgress.setState({ progress: { election: { step: 4 }, dedup: { step: 6, challenge: true } } });
    render(<GuideMenu />);
    const list = screen.getByRole('list', { name: 'Chapters' });
    expect(within(list).getAllByRole('listitem')).toHaveLength(chapters.length);
    const card = list.querySelector('[data-chapter="election"]') as HTMLElement;
    expect(card.textContent).toMatch(/Leader election, event by event/);
    expect(card.textContent).toMatch(/10 steps \+ a challenge/);
    expect(card.textContent).toMatch(/4 \/ 10/);
    expect(within(card).getByRole('link', { name: /^Continue at step 4: chapter \d+, / }).getAttribute('href')).toBe('#guide/election/4');
    expect((list.querySelector('[data-chapter="dedup"]') as HTMLElement).textContent).toMatch(/reached the end · challenge won/);
  });
});

describe('in the page', () => {
  beforeEach(() => freshRun());

  it('opens a deep link at its step, and a bad link with a clear message', async () => {
    location.hash = '#guide/election/3';
    render(<GuideHost />);
    await loaded(screen.findByTestId('guide-where', {}, { timeout: 10_000 }));
    expect(where()).toBe('Step 3 of 10');
    expect(title()).toBe('Step 3: A majority makes a leader');
    expect(useSim.getState().playing).toBe(false);
    cleanup();
    resetHost();

    location.hash = '#guide/nope/2';
    render(<GuideHost />);
    expect((await screen.findByRole('alert')).textContent).toMatch(/This guide link does not work: there is no chapter 'nope'/);
    expect(screen.getByRole('list', { name: 'Chapters' })).toBeTruthy();
  });

  it('next and back write the step into the address bar', async () => {
    location.hash = '#guide/replication/2';
    render(<GuideHost />);
    await loaded(screen.findByTestId('guide-where'));
    const predict = chapterById('replication')!.steps[2].predict;
    click(predict ? 'Skip the question' : 'Next →');
    expect(location.hash).toBe('#guide/replication/3');
    click('← Back');
    expect(location.hash).toBe('#guide/replication/2');
  });

  it('"Try it yourself" hands the very cluster to free play; "Return to the guide" restores the step', async () => {
    location.hash = '#guide/election/6';
    render(<GuideHost />);
    await loaded(screen.findByTestId('guide-where'));
    const guideFp = fp();
    click('Try it yourself');
    await loaded(screen.findByRole('button', { name: 'Return to the guide' }));
    expect(document.querySelector('.guide-layer')).toBeNull();
    expect(clusterFingerprint(getDriver().cluster)).toBe(guideFp);
    expect(useSim.getState().playing).toBe(false);
    // The free-play bar says whose cluster this is (no second banner saying the same), and the copy is exact (no error).
    expect(useSim.getState().notice).toBeNull();
    expect(screen.getByRole('region', { name: 'Guide' }).textContent).toMatch(/^Free play with the cluster from the guide .*\(step 6\), from the moment you were looking at: it is yours now/);
    // Play a little in the simulator, then come back: the guide is at step 6 as it was.
    rAct(() => {
      seek(getDriver().now + 500);
      finishTask();
    });
    click('Return to the guide');
    await loaded(screen.findByTestId('guide-where'));
    expect(where()).toBe('Step 6 of 10');
    expect(fp()).toBe(guideFp);
  });

  it('"Start over" gives a challenge its cluster back as it began (commands run add to the cluster as they go)', async () => {
    location.hash = '#guide/election/challenge';
    render(<GuideHost />);
    const box = await loaded(screen.findByRole('textbox', { name: 'Scenario commands' }));
    const fresh = fp();
    expect((screen.getByRole('button', { name: 'Start over' }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(box, { target: { value: 'timeout n1\nrun 30ms' } });
    click('Run');
    expect(fp()).not.toBe(fresh);
    expect(screen.getByRole('list', { name: 'Commands run' }).textContent).toContain('timeout n1');
    click('Start over');
    expect(fp()).toBe(fresh);
    expect(screen.queryByRole('list', { name: 'Commands run' })).toBeNull();
  });

  it('a challenge taken over to free play is checked there', async () => {
    location.hash = '#guide/dedup/challenge';
    render(<GuideHost />);
    fireEvent.click(await loaded(screen.findByRole('button', { name: 'Try it yourself' })));
    fireEvent.click(await loaded(screen.findByRole('button', { name: 'Check the challenge' })));
    expect(screen.getByTestId('guide-goal').textContent).toMatch(/Not yet/);
    rAct(() => {
      seek(getDriver().now + 2000);
      finishTask();
      const leader = getDriver().cluster.leader()!;
      // One at a time, as the solution's `cmd` lines wait for each reply.
      // The dedup challenge's window holds 3 ids: three other messages push x out of it.
      for (const line of ['PUB orders --id x once', 'PUB orders --id a 1', 'PUB orders --id b 2', 'PUB orders --id c 3', 'PUB orders --id x once']) {
        act('command', [leader, line, {}]);
        seek(getDriver().now + 100);
        finishTask();
      }
    });
    click('Check the challenge');
    expect(screen.getByTestId('guide-goal').textContent).toMatch(/Challenge complete!/);
  });
});
