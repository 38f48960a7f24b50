// @vitest-environment happy-dom
// The workload control: publishers × rate issued at virtual-time instants through the action log, live stats, and the same run however it is played, rewound or shared.
import { act as rAct, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ClientPanel } from '../../src/ui/ClientPanel';
import { fingerprint } from '../../src/store/fingerprint';
import {
  act, finishTask, frame, getDriver, newRun, publish, runUntilLeader, seek, setPlaying, setSpeedIndex, SPEEDS, startWorkload, stopWorkload, useSim, workloadStats,
} from '../../src/store/sim';
import { Driver } from '../../src/store/driver';
import { WorkloadSchedule } from '../../src/store/workload';
import { decodeHash, encodeHash, savedRun } from '../../src/store/share';
import { openSaved } from '../../src/ui/shareLink';
import { fingerprintWarning } from '../../src/ui/shareOpen';
import { freshRun } from './helpers';

function run(fn: () => void): void {
  rAct(() => {
    fn();
    finishTask();
  });
}

const fp = (): string => {
  const d = getDriver();
  return fingerprint(d.now, d.seq, d.views(true));
};

const stat = (name: string): string => within(screen.getByTestId('workload-stats')).getByRole('row', { name: new RegExp(`^${name}`) }).querySelector('td')!.textContent!;

const publishes = () => getDriver().allActions().filter((a) => a.op === 'publish');

beforeEach(() => freshRun({ seed: 1, nodes: 3 }));
afterEach(() => cleanup());

describe('workload control', () => {
  it('starts publishers × rate, shows acks growing with their latency, and stops', () => {
    render(<ClientPanel />);
    run(runUntilLeader);
    fireEvent.change(screen.getByRole('spinbutton', { name: /^Publishers/ }), { target: { value: '4' } });
    fireEvent.change(screen.getByRole('spinbutton', { name: /^Rate/ }), { target: { value: '10' } });
    fireEvent.change(screen.getByRole('spinbutton', { name: /^Topics/ }), { target: { value: '2' } });
    fireEvent.click(screen.getByRole('button', { name: 'Start' }));
    expect(screen.getByTestId('workload-state').textContent).toBe('Running: 4 publishers × 10/s on 2 topics (40 PUB/s of simulated time).');
    const t0 = getDriver().now;
    // The first message goes out at once; then one every 25 ms of simulated time, publishers in turn.
    expect(stat('Issued')).toBe('1');

    run(() => seek(t0 + 1000));
    expect(stat('Issued')).toBe('41');
    const acked1 = Number(stat('Acked'));
    expect(acked1).toBeGreaterThan(20);
    expect(Number(stat('Pending'))).toBe(41 - acked1);
    expect(stat('Failed')).toBe('0');
    expect(stat('Latency p50')).toMatch(/^\d+\.\d ms$/);
    expect(stat('Latency p99')).toMatch(/^\d+\.\d ms$/);

    run(() => seek(t0 + 2000));
    expect(stat('Issued')).toBe('81');
    expect(Number(stat('Acked'))).toBeGreaterThan(acked1);
    const p = publishes();
    expect(p).toHaveLength(81);
    expect(p.map((a) => a.at - t0).slice(0, 5)).toEqual([0, 25, 50, 75, 100]);
    expect(p.slice(0, 5).map((a) => (a.args[2] as { client: string }).client)).toEqual(['wl1', 'wl2', 'wl3', 'wl4', 'wl1']);
    expect(p.slice(0, 3).map((a) => a.args[0])).toEqual(['t1', 't2', 't1']);
    // Many messages, no clutter: the timeline marks none of them.
    expect(useSim.getState().marks.filter((m) => m.kind === 'action')).toEqual([]);

    fireEvent.click(screen.getByRole('button', { name: 'Stop' }));
    expect(screen.getByTestId('workload-state').textContent).toBe('Stopped.');
    run(() => seek(t0 + 5000));
    expect(stat('Issued')).toBe('81');
    expect(stat('Acked')).toBe('81');
    expect(stat('Pending')).toBe('0');
    expect(screen.getByRole('button', { name: 'Stop' }).hasAttribute('disabled')).toBe(true);
  });

  it('refuses settings out of range with a message, starting nothing', () => {
    render(<ClientPanel />);
    fireEvent.change(screen.getByRole('spinbutton', { name: /^Publishers/ }), { target: { value: '21' } });
    fireEvent.click(screen.getByRole('button', { name: 'Start' }));
    expect(screen.getByRole('alert').textContent).toMatch(/Publishers must be a whole number from 1 to 20/);
    expect(useSim.getState().workload).toBeNull();
    // None at all is refused in the form too (it would show as running while sending nothing).
    fireEvent.change(screen.getByRole('spinbutton', { name: /^Publishers/ }), { target: { value: '0' } });
    fireEvent.click(screen.getByRole('button', { name: 'Start' }));
    expect(screen.getByRole('alert').textContent).toMatch(/Publishers must be a whole number from 1 to 20/);
    expect(useSim.getState().workload).toBeNull();
    fireEvent.change(screen.getByRole('spinbutton', { name: /^Publishers/ }), { target: { value: '2' } });
    fireEvent.change(screen.getByRole('spinbutton', { name: /^Rate/ }), { target: { value: '0' } });
    fireEvent.click(screen.getByRole('button', { name: 'Start' }));
    expect(screen.getByRole('alert').textContent).toMatch(/Rate must be a number from 0.1 to 100/);
    expect(publishes()).toHaveLength(0);
  });

  it('warns before the run outgrows what a share link can carry', () => {
    render(<ClientPanel />);
    expect(screen.queryByTestId('workload-limit')).toBeNull();
    rAct(() => {
      startWorkload({ publishers: 20, rate: 100, topics: 4 });
    });
    run(() => seek(getDriver().now + 8500));
    expect(screen.getByTestId('workload-limit').textContent).toMatch(/This run has 17,0\d\d actions; share links and run files hold at most 20,000/);
  });

  it('with 0 publishers it runs and sends nothing', () => {
    expect(startWorkload({ publishers: 0, rate: 10, topics: 1 })).toBeUndefined();
    run(() => seek(1000));
    expect(publishes()).toHaveLength(0);
    expect(workloadStats().issued).toBe(0);
  });
});

describe('the workload is part of the run', () => {
  const config = { publishers: 5, rate: 20, topics: 3 };

  it('is scheduled in simulated time: playing frame by frame at any speed gives the same publishes as one seek', () => {
    run(() => seek(500));
    startWorkload(config);
    // Play at 1× and then 1/3×, frames of uneven wall length.
    setSpeedIndex(SPEEDS.indexOf(1));
    setPlaying(true);
    for (let i = 0; i < 120; i++) rAct(() => frame(i % 3 === 0 ? 7 : 23));
    setSpeedIndex(SPEEDS.indexOf(1 / 3));
    for (let i = 0; i < 60; i++) rAct(() => frame(31));
    setPlaying(false);
    const end = getDriver().now;
    const played = { actions: JSON.stringify(getDriver().allActions()), print: fp(), stats: workloadStats() };
    expect(played.stats.issued).toBeGreaterThan(100);

    freshRun({ seed: 1, nodes: 3 });
    run(() => seek(500));
    startWorkload(config);
    run(() => seek(end));
    expect(JSON.stringify(getDriver().allActions())).toBe(played.actions);
    expect(fp()).toBe(played.print);
    expect(workloadStats()).toEqual(played.stats);
  });

  it('stepping event by event orders its messages as playing does', () => {
    const d = new Driver({ seed: 2, nodes: 5 });
    d.advance(1000);
    d.startWorkload(config);
    for (let i = 0; i < 5000; i++) d.step();
    const stepped = d.allActions();
    const e = new Driver({ seed: 2, nodes: 5 });
    e.advance(1000);
    e.startWorkload(config);
    e.advance(d.now + 1000);
    expect(e.allActions().slice(0, stepped.length)).toEqual(stepped);
  });

  it('rewinding and opening the run elsewhere reproduce the same publishes, outcomes and state', () => {
    run(runUntilLeader);
    startWorkload(config);
    run(() => seek(getDriver().now + 3000));
    stopWorkload();
    run(() => seek(getDriver().now + 1000));
    const end = getDriver().now;
    const print = fp();
    const stats = workloadStats();
    const mid = end - 2000;
    run(() => seek(mid));
    const atMid = { print: fp(), stats: workloadStats() };
    expect(atMid.stats.issued).toBeLessThan(stats.issued);
    // Rewound into the past of the run, the workload does not add anything: the recorded actions replay.
    run(() => seek(end));
    expect(fp()).toBe(print);
    expect(workloadStats()).toEqual(stats);

    // A share link / import: the options plus the action log.
    const { run: options } = useSim.getState();
    expect(newRun(options, getDriver().allActions(), mid)).toBeUndefined();
    finishTask();
    expect(fp()).toBe(atMid.print);
    expect(workloadStats()).toEqual(atMid.stats);
  });

  it('a link made while a workload runs carries it: the opened run goes on publishing exactly as the shared one', async () => {
    run(runUntilLeader);
    startWorkload(config);
    run(() => seek(getDriver().now + 1500));
    const t = getDriver().now;
    const saved = savedRun(useSim.getState().run, getDriver().allActions(), t, fp(), getDriver().workloadState());
    expect(saved.workload).toMatchObject({ config });
    // Through the link's encoding and checks, as a learner's second tab gets it.
    const parsed = await decodeHash(await encodeHash(saved));
    if (!parsed.ok) throw new Error(parsed.error);
    run(() => seek(t + 2000));
    const later = { print: fp(), stats: workloadStats() };
    expect(openSaved(parsed.saved)).toBeUndefined();
    finishTask();
    expect(getDriver().now).toBe(t);
    expect(useSim.getState().workload).toEqual(config);
    run(() => seek(t + 2000));
    expect(fp(), 'the same run two seconds on, publishes included').toBe(later.print);
    expect(workloadStats()).toEqual(later.stats);
  });

  it('an opened run whose fingerprint is not the shared one is said to differ (another version of the simulator)', () => {
    run(runUntilLeader);
    const d = getDriver();
    const right = savedRun(useSim.getState().run, d.allActions(), d.now, fp());
    expect(fingerprintWarning(right)).toBeUndefined();
    const wrong = { ...right, fingerprint: 'deadbeef' };
    expect(fingerprintWarning(wrong)).toMatch(new RegExp(`^The run opened, but it is not the one shared: its fingerprint at t=.* is ${fp()}, the shared one deadbeef`));
  });

  it('acting in the past with a workload running forks there and carries the workload on without a gap', () => {
    run(runUntilLeader);
    startWorkload(config);
    run(() => seek(getDriver().now + 2000));
    const end = getDriver().now;
    run(() => seek(end - 1000));
    const fork = getDriver().now;
    rAct(() => {
      act('crash', ['n2']);
    });
    expect(useSim.getState().notice?.text).toMatch(/forked/);
    run(() => seek(end));
    const times = publishes().map((a) => a.at);
    const gaps = times.slice(1).map((t, i) => t - times[i]);
    expect(Math.max(...gaps)).toBeCloseTo(1000 / (config.rate * config.publishers), 6);
    expect(times.some((t) => t > fork)).toBe(true);
  });

  it('acting in the past before the workload started: the new branch has no workload (its start was in the dropped future)', () => {
    run(runUntilLeader);
    const before = getDriver().now;
    run(() => seek(before + 1000));
    startWorkload(config);
    run(() => seek(getDriver().now + 2000));
    run(() => seek(before + 500));
    rAct(() => {
      act('crash', ['n2']);
    });
    expect(useSim.getState().notice?.text).toMatch(/forked.*The workload was not running at that moment, so it does not run in the new branch/);
    expect(useSim.getState().workload).toBeNull();
    run(() => seek(before + 5000));
    expect(publishes(), 'no publish in the new branch').toEqual([]);
  });

  it('acting in the past where the workload ran, after it was stopped: the new branch runs it, from the fork on', () => {
    run(runUntilLeader);
    startWorkload(config);
    const started = getDriver().now;
    run(() => seek(started + 2000));
    stopWorkload();
    run(() => seek(started + 3000));
    run(() => seek(started + 1000));
    rAct(() => {
      act('crash', ['n2']);
    });
    expect(useSim.getState().notice?.text).toMatch(/The workload was running at that moment, so it runs in the new branch/);
    expect(useSim.getState().workload).toEqual(config);
    run(() => seek(started + 3000));
    const times = publishes().map((a) => a.at);
    // On the schedule it had (message n at started + n * spacing), with no gap at the fork and on past the old stop.
    const spacing = 1000 / (config.rate * config.publishers);
    expect(times.every((t) => Math.abs((t - started) / spacing - Math.round((t - started) / spacing)) < 1e-6)).toBe(true);
    expect(Math.max(...times.slice(1).map((t, i) => t - times[i]))).toBeCloseTo(spacing, 6);
    expect(times.at(-1)).toBeGreaterThan(started + 2900);
  });

  it('a workload changed after the fork moment runs in the new branch as it was set then', () => {
    run(runUntilLeader);
    startWorkload(config);
    const started = getDriver().now;
    run(() => seek(started + 1000));
    const faster = { ...config, rate: config.rate * 2 };
    startWorkload(faster);
    run(() => seek(started + 2000));
    run(() => seek(started + 500));
    rAct(() => {
      act('crash', ['n2']);
    });
    expect(useSim.getState().notice?.text).toMatch(/The workload runs in the new branch as it was set at that moment/);
    expect(useSim.getState().workload).toEqual(config);
  });

  it('starting a workload in the past forks the run there', () => {
    run(() => seek(2000));
    rAct(() => {
      act('crash', ['n3']);
    });
    run(() => seek(1000));
    expect(getDriver().inPast).toBe(true);
    rAct(() => {
      startWorkload(config);
    });
    expect(useSim.getState().notice?.text).toMatch(/forked at t=1\.0 s/);
    expect(getDriver().allActions().map((a) => a.op)).toEqual(['publish']);
    publish();
    expect(useSim.getState().workload).toEqual(config);
  });
});

describe('WorkloadSchedule', () => {
  it('computes each instant from its number (no drift) and resumes after a fork at the next instant', () => {
    const s = new WorkloadSchedule({ publishers: 3, rate: 7, topics: 2 }, 100.1);
    const spacing = 1000 / 21;
    expect(s.at(1_000_000)).toBe(100.1 + 1_000_000 * spacing);
    s.resumeAfter(100.1 + 10 * spacing);
    expect(s.n).toBe(11);
    s.resumeAfter(50);
    expect([s.n, s.startAt]).toEqual([0, 50]);
  });
});
