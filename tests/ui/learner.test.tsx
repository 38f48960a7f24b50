// @vitest-environment happy-dom
// What a learner meets beyond the panels: the reference card behind every rule chip, the console transcript
// (long lines folded, a hint when the run is paused), who did a loaded run's actions, feed times, the
// slow-motion first election, the theme choice and the welcome.
import { act as rAct, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCluster, type SimEvent } from '../../src/sim';
import { SPEEDS, actorOf, armSlowElection, creditActions, formatMs, frame, getDriver, setSpeedIndex, slowElectionPhase, speedLabel, useSim, SLOW_MOTION_INDEX } from '../../src/store/sim';
import { explain } from '../../src/ui/explain';
import { explainItem } from '../../src/ui/feedContext';
import { eventTime } from '../../src/ui/EventFeed';
import { formatTime } from '../../src/ui/guide/GuideCluster';
import { plural } from '../../src/ui/plural';
import { ReferenceCard } from '../../src/ui/ReferenceCard';
import { RuleChips, splitRules } from '../../src/ui/RuleChips';
import { closeReference, useReference } from '../../src/ui/referenceState';
import { FIGURE_2, RULES, cardFor } from '../../src/ui/rules';
import { placeStamps } from '../../src/ui/spaceTimeModel';
import { FOLD_CHARS, Transcript } from '../../src/ui/Transcript';
import { THEME_KEY, nextTheme, setTheme, storedTheme } from '../../src/ui/theme';
import { FIRST_CHAPTER, Welcome } from '../../src/ui/Welcome';
import { chapters } from '../../src/guides';
import { WELCOME_KEY, dismissWelcome, firstVisit, showWelcome } from '../../src/ui/welcomeState';
import { freshRun } from './helpers';

beforeEach(() => freshRun());
afterEach(() => {
  cleanup();
  closeReference();
  localStorage.clear();
});

describe('the reference card', () => {
  /** Every rule a sentence of the feed can cite. */
  const cited = (): string[] => {
    const events: SimEvent[] = [
      { at: 1, kind: 'role', node: 'n1', role: 'follower', term: 2 },
      { at: 1, kind: 'vote', node: 'n1', to: 'n2', term: 2, detail: 'granted: up to date' },
      { at: 1, kind: 'commit', node: 'n1', index: 3, term: 2 },
      { at: 1, kind: 'violation', detail: 'x' },
      { at: 1, kind: 'crash', node: 'n1' },
      { at: 1, kind: 'truncate', node: 'n1', index: 3 },
      { at: 1, kind: 'send', from: 'n1', to: 'n2', type: 'AppendEntriesReply', payload: { term: 3, success: false, matchIndex: 0, conflictTerm: 0, conflictIndex: 0 } },
    ];
    return events.flatMap((e) => splitRules(explain(e, { roleOf: () => 'leader' }).rule));
  };

  it('has a statement for every rule the explanations cite, each naming its section of the paper', () => {
    const ids = new Set(cited());
    expect(ids.size).toBeGreaterThanOrEqual(5);
    for (const id of ids) {
      const card = cardFor(id);
      expect(card?.id, id).toBe(id);
      expect(card!.where).toContain(id);
      expect(card!.points.length).toBeGreaterThan(0);
    }
    for (const r of RULES) expect(r.where, r.id).toMatch(r.id.startsWith('thesis ') ? /^Ongaro’s dissertation, §/ : /^Raft paper §/);
    // Figure 2 cites only sections the card explains.
    for (const b of FIGURE_2) for (const [, sec] of b.lines) for (const id of splitRules(sec)) expect(cardFor(id), id).toBeDefined();
  });

  it('has a card, under the same id, for every rule cited by the events of a run with every production feature on (a dissertation section is never shown as the paper\'s)', () => {
    const c = createCluster({ seed: 5, nodes: 3, raft: { preVote: true, checkQuorum: true }, reads: 'lease', snapshotEvery: 4, checkers: 'record' });
    c.runUntil(() => c.leader() !== undefined, 3000);
    for (let i = 0; i < 6; i++) c.command(c.leader()!, `PUB t m${i}`);
    c.runFor(300);
    c.command(c.leader()!, 'HISTORY t 3');
    const added = c.addNode();
    c.runFor(1500);
    const follower = c.nodeIds.find((id) => id !== c.leader() && id !== added)!;
    c.transferLeadership(follower);
    c.runFor(500);
    c.removeNode(c.leader()!);
    c.runFor(1500);
    const cut = c.nodeIds.find((id) => id !== c.leader())!;
    c.partition([[cut], c.nodeIds.filter((id) => id !== cut)]);
    c.runFor(1500);
    c.heal();
    c.runFor(1000);
    const items = c.journal().map((e, i) => ({ seq: i + 1, e }));
    const ids = new Set(items.flatMap((_, i) => splitRules(explainItem(items, i).rule)));
    for (const want of ['thesis §9.6', 'thesis §3.10', 'thesis §4.2.1', '§7']) expect([...ids], want).toContain(want);
    for (const id of ids) {
      expect(cardFor(id)?.id, id).toBe(id);
      expect(cardFor(id)!.where, id).toContain(id.replace('thesis ', ''));
    }
  });

  it('states the election restriction and the current-term commit rule as the paper does (§5.4.1, §5.4.2)', () => {
    expect(cardFor('§5.4.1')!.points.join(' ')).toMatch(/higher term; with equal last terms, the longer log/);
    expect(cardFor('§5.4.2')!.points.join(' ')).toMatch(/only if the entry is from the leader’s own current term/);
  });

  it('a chip opens the card at its rule; "§5.2, §5.4.1" makes two chips', () => {
    render(
      <>
        <RuleChips rule="§5.2, §5.4.1" />
        <ReferenceCard />
      </>,
    );
    const chips = screen.getAllByRole('button', { name: /^Rule §/ });
    expect(chips.map((c) => c.textContent)).toEqual(['§5.2', '§5.4.1']);
    rAct(() => fireEvent.click(chips[1]));
    expect(useReference.getState().open).toBe('§5.4.1');
    const dialog = screen.getByRole('dialog', { name: /Reference card/ });
    const current = within(dialog).getByRole('region', { name: /§5.4.1/ });
    expect(current.textContent).toMatch(/Election restriction/);
    expect(current.textContent).toMatch(/Raft paper §5.4.1/);
    rAct(() => fireEvent.click(within(dialog).getByRole('button', { name: 'Close' })));
    expect(useReference.getState().open).toBeNull();
  });
});

describe('the console transcript', () => {
  it('folds a 70 KB reply line to a short preview until opened', () => {
    const long = 'x'.repeat(70_000);
    render(<Transcript lines={[{ at: 1, node: 'n1', dir: 'in', line: long }]} />);
    const box = screen.getByTestId('transcript');
    expect(box.textContent!.length).toBeLessThan(FOLD_CHARS + 100);
    fireEvent.click(screen.getByRole('button', { name: 'Show all 70,000 characters' }));
    expect(box.textContent!.length).toBeGreaterThan(70_000);
    fireEvent.click(screen.getByRole('button', { name: 'Fold' }));
    expect(box.textContent!.length).toBeLessThan(FOLD_CHARS + 100);
  });

  it('says the run is paused when a line waits for its reply, and Play starts it', () => {
    render(<Transcript lines={[{ at: 1, node: 'n2', dir: 'out', line: 'PING' }]} />);
    expect(screen.getByTestId('console-paused').textContent).toMatch(/paused: n2 answers only when simulated time moves on/);
    rAct(() => fireEvent.click(screen.getByRole('button', { name: '▶ Play' })));
    expect(useSim.getState().playing).toBe(true);
    expect(screen.queryByTestId('console-paused')).toBeNull();
  });
});

describe('who did it, and when', () => {
  it('a loaded run’s actions are credited to it, the learner’s own to "You"', () => {
    const typed: SimEvent = { at: 5, kind: 'command', node: 'n1', detail: 'PUB demo hi' };
    expect(explain(typed).text).toBe('You typed “PUB demo hi” at n1');
    expect(explain(typed, { actor: 'The guide' }).text).toBe('The guide typed “PUB demo hi” at n1');
    expect(explain({ at: 5, kind: 'crash', node: 'n2' }, { actor: 'The shared run' }).text).toMatch(/^The shared run crashed n2/);
    creditActions('The scenario');
    const by = useSim.getState().actionsBy;
    expect(actorOf(by, getDriver().seq)).toBe('The scenario');
    expect(actorOf(by, getDriver().seq + 1)).toBe('You');
  });

  it('feed times use the header’s units, exact to 0.1 ms; counts agree with their nouns', () => {
    expect(eventTime(162.74)).toBe('162.7 ms');
    expect(eventTime(2624185.6)).toBe('2624.1856 s');
    // One format for the whole page: the toolbar, the guides and the comparison write what the feed writes.
    expect(formatMs).toBe(eventTime);
    expect(formatTime).toBe(eventTime);
    for (const [ms, text] of [[0, '0.0 ms'], [1234.5678901, '1.2346 s'], [3000, '3.0 s'], [2500, '2.5 s'], [999.96, '1.0 s'], [12345.6, '12.3456 s'], [10_000, '10.0 s'], [-40, '-40.0 ms']] as const) {
      expect(eventTime(ms), String(ms)).toBe(text);
    }
    expect(plural(1, 'entry', 'entries')).toBe('1 entry');
    expect(plural(3, 'entry', 'entries')).toBe('3 entries');
  });

  it('Lamport stamps of one instant share a label; a crowded label moves to a free side or is left out; none covers another or a dot', () => {
    const sends = [0, 1, 2, 3].map((i) => ({ x: 100, y: 40, node: 'n1', lamport: 12 + i }));
    const near = { x: 104, y: 40, node: 'n1', lamport: 20 };
    const bounds = { x0: 0, x1: 1000, y0: 0, y1: 200 };
    // Each send's own dot (radius 3.5) is an obstacle too, as in the diagram.
    const own = (x: number, y: number) => ({ x0: x - 3.5, x1: x + 3.5, y0: y - 3.5, y1: y + 3.5 });
    const placed = placeStamps([...sends, near, { x: 300, y: 80, node: 'n2', lamport: 7 }], [own(100, 40), own(104, 40), own(300, 80)], bounds);
    expect(placed.map((p) => p.text)).toEqual(['12–15', '20', '7']);
    const box = (p: { x: number; y: number; text: string }) => ({ x0: p.x, x1: p.x + p.text.length * 7 + 2, y0: p.y - 10, y1: p.y + 2 });
    const boxes = placed.map(box);
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) {
        const [a, b] = [boxes[i], boxes[j]];
        expect(a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1, `${placed[i].text} / ${placed[j].text}`).toBe(false);
      }
    // A dot beside the send on the right pushes the label to the left; dots all round leave it out.
    const dot = { x0: 104, x1: 112, y0: 30, y1: 50 };
    const moved = placeStamps([{ x: 100, y: 40, node: 'n1', lamport: 3 }], [dot, own(100, 40)], bounds);
    expect(moved).toHaveLength(1);
    expect(moved[0].x).toBeLessThan(100);
    expect(placeStamps([{ x: 100, y: 40, node: 'n1', lamport: 3 }], [{ x0: 80, x1: 120, y0: 20, y1: 60 }], bounds)).toEqual([]);
    // A local event's diamond at the send's point (a candidate's timeout as it sends its RequestVotes) leaves room for the label.
    const diamond = { x0: 95, x1: 105, y0: 35, y1: 45 };
    expect(placeStamps(sends, [diamond, own(100, 40)], bounds).map((p) => p.text)).toEqual(['12–15']);
    // In the top-right corner the label goes below-left, inside the drawing.
    const corner = placeStamps([{ x: 995, y: 5, node: 'n1', lamport: 3 }], [], bounds);
    expect(corner[0].x).toBeLessThan(995);
    expect(corner[0].y).toBeGreaterThan(5);
  });
});

describe('the first visit', () => {
  it('welcomes a first visit with where to start, and remembers it was closed', () => {
    expect(firstVisit()).toBe(true);
    showWelcome();
    render(<Welcome />);
    const w = screen.getByRole('region', { name: 'Welcome to Wiber Sim' });
    expect(within(w).getByRole('button', { name: 'Start the guide: chapter 1' })).toBeTruthy();
    expect(within(w).getByRole('button', { name: 'Free play: watch the first election' })).toBeTruthy();
    rAct(() => dismissWelcome());
    expect(screen.queryByRole('region', { name: 'Welcome to Wiber Sim' })).toBeNull();
    expect(localStorage.getItem(WELCOME_KEY)).toBe('1');
    expect(firstVisit()).toBe(false);
  });

  it('"chapter 1" is the first chapter of the guide', () => {
    expect(FIRST_CHAPTER).toBe([...chapters].sort((x, y) => x.order - y.order)[0].id);
  });

  it('plays the first election in slow motion, then returns to the speed before it (§5.2)', () => {
    armSlowElection();
    useSim.setState({ playing: true, speedIndex: 3 });
    let candidateSpeed = -1;
    for (let i = 0; i < 20_000 && useSim.getState().leader === undefined; i++) {
      frame(100);
      if (slowElectionPhase() === 'slow' && candidateSpeed < 0) candidateSpeed = useSim.getState().speedIndex;
    }
    expect(candidateSpeed).toBe(SLOW_MOTION_INDEX);
    expect(useSim.getState().notice?.text).toMatch(/^At t=[\d.]+ ms, n\d won votes from a majority and became the leader of term 1/);
    expect(useSim.getState().speedIndex).toBe(3);
    expect(slowElectionPhase()).toBeNull();
    expect(speedLabel(SPEEDS[SLOW_MOTION_INDEX])).toBe('1/300×');
  });

  it('choosing a speed ends the slow motion', () => {
    armSlowElection();
    setSpeedIndex(5);
    expect(slowElectionPhase()).toBeNull();
  });
});

describe('the theme', () => {
  it('cycles system → light → dark, sets data-theme and remembers the choice', () => {
    expect(storedTheme()).toBe('system');
    expect(nextTheme('system')).toBe('light');
    expect(nextTheme('dark')).toBe('system');
    setTheme('dark');
    expect(document.documentElement.dataset.theme).toBe('dark');
    expect(localStorage.getItem(THEME_KEY)).toBe('dark');
    setTheme('system');
    expect(localStorage.getItem(THEME_KEY)).toBeNull();
  });
});
