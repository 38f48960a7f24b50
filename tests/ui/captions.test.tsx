// @vitest-environment happy-dom
// Captions and help text that state a fact the engine or a setting decides: each is held to its source here,
// so a changed setting cannot leave a learner reading an old figure.
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_RUN } from '../../src/store/runOptions';
import { SPEEDS, finishTask, getDriver, seek, speedLabel } from '../../src/store/sim';
import { getAction } from '../../src/ui/actions';
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

  it('Slower and Faster name the speed range', () => {
    expect(getAction('slower').description).toContain(`down to ${speedLabel(SPEEDS[0])}`);
    expect(SPEEDS[SPEEDS.length - 1]).toBe(Infinity);
    expect(getAction('faster').description).toContain('up to fast-forward');
  });

  it('the time-travel actions move by the simulated time they name', () => {
    seek(1000);
    finishTask();
    for (const [name, delta] of [['back', -10], ['backMore', -100], ['forward', 10], ['forwardMore', 100]] as const) {
      const a = getAction(name);
      expect(a.label).toContain(`${Math.abs(delta)} ms`);
      expect(a.description).toContain(`${Math.abs(delta)} ms of simulated time`);
      const before = getDriver().now;
      a.perform();
      finishTask();
      expect(getDriver().now - before, name).toBeCloseTo(delta, 6);
    }
  });
});
