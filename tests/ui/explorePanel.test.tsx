// @vitest-environment happy-dom
// The explorer's panel without a worker (in-page slices): a counterexample found, listed, opened in the store move by move; bounds and options checked.
import { act as rAct, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExplorePanel, runOf } from '../../src/ui/explore/ExplorePanel';
import { finishTask, getDriver, useSim } from '../../src/store/sim';
import { freshRun } from './helpers';

beforeEach(() => freshRun());
afterEach(() => cleanup());

describe('explore panel', () => {
  it('finds the vote-check counterexample and opens it in the simulator after each move', async () => {
    expect(typeof Worker).toBe('undefined'); // the panel falls back to slices on the page's thread
    render(<ExplorePanel />);
    fireEvent.change(screen.getByLabelText('Example'), { target: { value: 'vote-check-off' } });
    expect((screen.getByLabelText(/^Scenario/) as HTMLTextAreaElement).value).toMatch(/rules vote-log-check off/);
    expect((screen.getByRole('textbox', { name: 'Who may time out' }) as HTMLInputElement).value).toBe('n3');
    // A keyboard user's press: Explore disables itself, so the focus goes to Stop, not to the page.
    const exploreButton = screen.getByRole('button', { name: 'Explore' });
    exploreButton.focus();
    fireEvent.click(exploreButton);
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Stop' }));
    const announce = screen.getByTestId('explore-announce');
    expect(announce.getAttribute('role')).toBe('status');
    expect(announce.textContent).toBe('Exploring…');
    await waitFor(() => expect(screen.getByTestId('explore-verdict').textContent).toMatch(/Broken: Leader Completeness: n3 became leader/), { timeout: 30_000 });
    expect(screen.getByTestId('explore-stats').textContent).toMatch(/^Done: depth 3 of 10 · 14 distinct states/);
    // Said once at the end, with the verdict; the counters are not a live region (they change many times a second).
    expect(announce.textContent).toMatch(/^Done: 14 distinct states\. Broken: Leader Completeness: n3 became leader/);
    expect(document.querySelector('.explore-progress')!.hasAttribute('aria-live')).toBe(false);
    // (The focus moves in an effect, which may run just after the render the verdict appeared in.)
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId('explore-verdict')));
    const steps = screen.getAllByRole('listitem');
    expect(steps.map((li) => li.textContent)).toEqual([
      expect.stringMatching(/^n3's election timer fires$/),
      expect.stringMatching(/^deliver #\d+ n3→n1: RequestVote \(term 3, log ends at 1\/1\)$/),
      expect.stringMatching(/^deliver #\d+ n1→n3: RequestVoteReply \(term 3, granted\)$/),
    ]);
    // Next move pressed first opens move 1, not the start (audit r7 panels #8).
    rAct(() => {
      fireEvent.click(screen.getByRole('button', { name: 'Next move ▸' }));
      finishTask();
    });
    expect(screen.getByTestId('explore-shown').textContent).toMatch(/after 1 of 3 moves/);
    rAct(() => {
      fireEvent.click(screen.getByRole('button', { name: 'Open the start' }));
      finishTask();
    });
    expect(screen.getByTestId('explore-shown').textContent).toMatch(/after 0 of 3 moves/);
    expect(useSim.getState().run).toMatchObject({ seed: 2, nodes: 3, rules: { voteLogCheck: false } });
    // n3, cut off while x was committed, has been campaigning alone: term 2, log without x.
    expect(getDriver().views(true).find((v) => v.id === 'n3')!).toMatchObject({ role: 'candidate', term: 2 });
    for (let k = 1; k <= 3; k++) {
      rAct(() => {
        fireEvent.click(screen.getByRole('button', { name: 'Next move ▸' }));
        finishTask();
      });
    }
    expect(screen.getByTestId('explore-shown').textContent).toMatch(/after 3 of 3 moves/);
    const n3 = getDriver().views(true).find((v) => v.id === 'n3')!;
    expect(n3).toMatchObject({ role: 'leader', term: 3 });
    expect((screen.getByLabelText('Counterexample scenario') as HTMLTextAreaElement).value).toMatch(/expect violation\n$/);
  });

  it('shows a bad bound as an error named by its field, marks the field, and keeps the form', async () => {
    render(<ExplorePanel />);
    const moves = screen.getByRole('textbox', { name: 'Moves' }) as HTMLInputElement;
    fireEvent.change(moves, { target: { value: 'lots' } });
    fireEvent.click(screen.getByRole('button', { name: 'Explore' }));
    await waitFor(() => expect(screen.getByRole('alert').textContent).toBe('Moves must be a whole number (it reads “lots”).'));
    expect(moves.value).toBe('lots');
    expect(moves.getAttribute('aria-invalid')).toBe('true');
    // Out of range: the explorer's own bounds, under the field's label (not its key, maxDepth).
    fireEvent.change(moves, { target: { value: '-3' } });
    expect(moves.getAttribute('aria-invalid')).toBe('false');
    fireEvent.click(screen.getByRole('button', { name: 'Explore' }));
    await waitFor(() => expect(screen.getByRole('alert').textContent).toBe('Moves must be a whole number from 0 to 200 (got -3).'));
    fireEvent.change(moves, { target: { value: '3' } });
    const states = screen.getByRole('textbox', { name: 'State limit' });
    fireEvent.change(states, { target: { value: '0' } });
    fireEvent.click(screen.getByRole('button', { name: 'Explore' }));
    await waitFor(() => expect(screen.getByRole('alert').textContent).toMatch(/^State limit must be a whole number from 1 to 50000000/));
    expect(states.getAttribute('aria-invalid')).toBe('true');
  });

  it('names the field of an error the explorer finds in the scenario (a node id that is not in the cluster)', async () => {
    render(<ExplorePanel />);
    const who = screen.getByRole('textbox', { name: 'Who may time out' });
    fireEvent.change(who, { target: { value: 'n9' } });
    fireEvent.click(screen.getByRole('button', { name: 'Explore' }));
    await waitFor(() => expect(screen.getByRole('alert').textContent).toMatch(/^Who may time out names n9: the cluster's nodes are/));
    expect(who.getAttribute('aria-invalid')).toBe('true');
  });

  it('runOf: a page run carries only the options a share link knows', () => {
    expect(runOf({ seed: 3, nodes: 3, clocks: { sync: 'off' }, rules: { commitCurrentTermOnly: false }, maxEntriesPerMessage: 1 })).toEqual({
      seed: 3, nodes: 3, clocks: { sync: 'off' }, rules: { commitCurrentTermOnly: false }, maxEntriesPerMessage: 1,
    });
    expect(runOf({ seed: 3, detector: { kind: 'off' } })).toMatch(/detector/);
    expect(runOf({ seed: 3, raft: { preVote: true } })).toMatch(/raft/);
  });
});

describe('explore bounds, said in the panel’s words (audit r5)', () => {
  it('too many ids for Who may time out names the limit, not the API’s null', async () => {
    render(<ExplorePanel />);
    const who = screen.getByRole('textbox', { name: 'Who may time out' }) as HTMLInputElement;
    fireEvent.change(who, { target: { value: Array.from({ length: 101 }, (_, i) => `n${i + 1}`).join(' ') } });
    fireEvent.click(screen.getByRole('button', { name: 'Explore' }));
    await waitFor(() => expect(screen.getByRole('alert').textContent).toBe('Who may time out takes at most 100 node ids (got 101).'));
  });
});
