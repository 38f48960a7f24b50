// @vitest-environment happy-dom
// Captions and help text that state a fact the engine or a setting decides: each is held to its source here,
// so a changed setting cannot leave a learner reading an old figure.
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_RUN } from '../../src/store/runOptions';
import { SPEEDS, finishTask, getDriver, seek, speedLabel } from '../../src/store/sim';
import { getAction } from '../../src/ui/actions';
import { ACTION_DESCRIPTIONS } from '../../src/ui/actionDescriptions';
import { FeedbackNote } from '../../src/ui/guide/GuidePlayer';
import { judge } from '../../src/ui/guide/model';
import type { Predict } from '../../src/guides/chapters';
import { Welcome } from '../../src/ui/Welcome';
import { showWelcome } from '../../src/ui/welcomeState';
import { freshRun } from './helpers';

beforeEach(() => freshRun());
afterEach(() => {
  cleanup();
  localStorage.clear();
});

const NUMBER_WORDS = ['Zero', 'One', 'Two', 'Three', 'Four', 'Five', 'Six', 'Seven', 'Eight', 'Nine'];

describe('captions say what the page does', () => {
  it('the welcome names the number of servers the first run has', () => {
    showWelcome();
    render(<Welcome />);
    const text = screen.getByTestId('welcome').textContent ?? '';
    expect(text).toContain(`${NUMBER_WORDS[DEFAULT_RUN.nodes ?? 0]} servers`);
  });

  it('every action has its description (tooltips, the help overlay), and no description names an action that is gone', async () => {
    const { ACTIONS } = await import('../../src/ui/actions');
    expect(Object.keys(ACTION_DESCRIPTIONS).sort()).toEqual(ACTIONS.map((a) => a.name).sort());
    for (const a of ACTIONS) expect(ACTION_DESCRIPTIONS[a.name].length, a.name).toBeGreaterThan(10);
  });

  it('Slower and Faster name the speed range', () => {
    expect(ACTION_DESCRIPTIONS.slower).toContain(`down to ${speedLabel(SPEEDS[0])}`);
    expect(SPEEDS[SPEEDS.length - 1]).toBe(Infinity);
    expect(ACTION_DESCRIPTIONS.faster).toContain('up to fast-forward');
  });

  it('the time-travel actions move by the simulated time they name', () => {
    seek(1000);
    finishTask();
    for (const [name, delta] of [['back', -10], ['backMore', -100], ['forward', 10], ['forwardMore', 100]] as const) {
      const a = getAction(name);
      expect(a.label).toContain(`${Math.abs(delta)} ms`);
      expect(ACTION_DESCRIPTIONS[name]).toContain(`${Math.abs(delta)} ms of simulated time`);
      const before = getDriver().now;
      a.perform();
      finishTask();
      expect(getDriver().now - before, name).toBeCloseTo(delta, 6);
    }
  });
});

describe('predict feedback says whose answer it is', () => {
  const ruleQ = { kind: 'pick-a-number', question: 'How many votes?', about: 'rule', correct: 3 } as unknown as Predict;
  const runQ = { kind: 'pick-a-node', question: 'Which node?', about: 'run' } as unknown as Predict;
  const text = (fb: ReturnType<typeof judge>): string => {
    const { container, unmount } = render(<FeedbackNote feedback={fb} />);
    const t = container.textContent ?? '';
    unmount();
    return t;
  };

  it("a rule question's answer is the rule's, and the run's agreement is said, not assumed", () => {
    expect(text(judge(ruleQ, '3', 3, true))).toMatch(/Right! You said 3, and that is what the rule says\. The engine did just that in this run\./);
    expect(text(judge(ruleQ, '3', 3, false))).toMatch(/what the rule says\. This run did not show it as the question expects/);
    expect(text(judge(ruleQ, '3', 3, false))).not.toMatch(/engine did/);
    expect(text(judge(ruleQ, '2', 3, true))).toMatch(/Not quite\. You said 2; the rule’s answer is 3\./);
    expect(text(judge(ruleQ, undefined, 3, true))).toMatch(/You skipped this question\. The rule’s answer: 3\./);
  });

  it("a run question's answer is what the engine did", () => {
    const fb = judge(runQ, 'n2', 'n3');
    expect(fb.rule).toBeUndefined();
    expect(text(fb)).toMatch(/Not quite\. You said n2; the engine’s answer was n3/);
    expect(text(judge(runQ, 'n3', 'n3'))).toMatch(/Right! You said n3, and that is what the engine did\./);
  });
});
