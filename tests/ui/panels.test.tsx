// @vitest-environment happy-dom
// Each panel's behaviour through the DOM: toolbar and shortcuts, cluster view, inspector, faults, feed, timeline, checks, config, share, metrics, space-time.
import { act as rAct, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { App } from '../../src/ui/App';
import { ClusterView, drawnMessages } from '../../src/ui/ClusterView';
import { ConfigPanel } from '../../src/ui/ConfigPanel';
import { CorrectnessPanel } from '../../src/ui/CorrectnessPanel';
import { EventFeed } from '../../src/ui/EventFeed';
import { FaultsPanel } from '../../src/ui/FaultsPanel';
import { Inspector } from '../../src/ui/Inspector';
import { MetricsPanel } from '../../src/ui/MetricsPanel';
import { Narration, electionTimerLine } from '../../src/ui/Narration';
import { SharePanel } from '../../src/ui/SharePanel';
import { SpaceTime } from '../../src/ui/SpaceTime';
import { Timeline } from '../../src/ui/Timeline';
import { Toolbar } from '../../src/ui/Toolbar';
import { act, finishTask, frame, getDriver, newRun, publish as publishNow, runUntilLeader, seek, selectMessage, selectNode, useSim } from '../../src/store/sim';
import { Driver } from '../../src/store/driver';
import { freshRun } from './helpers';
import { runScenario } from '../../src/store/scenarios';
import { WINDOW_FINDING } from '../../src/sim/checkers/messaging';
import { loaded } from './loaded';

/** Runs a store command and lets React catch up. */
/** Where time `t` of a 1,000 ms run sits on the timeline: the strip is 800 px wide here (no layout), 10 px padding each side. */
const stripX = (t: number): number => 10 + (t / 1000) * 780;

function run(fn: () => void): void {
  rAct(() => {
    fn();
    finishTask();
  });
}

beforeEach(() => freshRun());
afterEach(() => cleanup());

describe('toolbar and narration', () => {
  it('Play toggles playing; Step advances one event and narrates it', () => {
    render(
      <>
        <Toolbar />
        <Narration />
      </>,
    );
    fireEvent.click(screen.getByRole('button', { name: /Play/ }));
    expect(useSim.getState().playing).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: /Pause/ }));
    expect(useSim.getState().playing).toBe(false);
    const t0 = useSim.getState().now;
    fireEvent.click(screen.getByRole('button', { name: 'Step' }));
    expect(useSim.getState().now).toBeGreaterThan(t0);
    expect(screen.getByRole('region', { name: 'What just happened' }).textContent).toMatch(/n\d/);
    // What a screen reader hears at each step is the news, not "Coming up" (its forecasts and times change every step).
    const section = screen.getByRole('region', { name: 'What just happened' });
    expect(section.hasAttribute('aria-live')).toBe(false);
    const news = screen.getByTestId('narration-news');
    expect(news.getAttribute('aria-live')).toBe('polite');
    expect(news.textContent).toMatch(/n\d/);
    expect(section.querySelector('.coming')).not.toBeNull();
    expect(news.querySelector('.coming')).toBeNull();
  });

  it('next leader runs until one is elected and says so', () => {
    render(<Narration />);
    run(runUntilLeader);
    expect(screen.getByRole('region', { name: 'What just happened' }).textContent).toMatch(/became leader of term \d+/);
  });

  it('Coming up: a follower a leader can reach has a deadline its next message resets; one cut off from the leader times out for real', () => {
    run(runUntilLeader);
    const lines = (): string[] => {
      const s = useSim.getState();
      return s.nodes.filter((v) => v.up && v.electionDeadline !== undefined).map((v) => electionTimerLine(v, s.nodes, s.groups, s.cuts));
    };
    expect(lines().length).toBe(4);
    for (const t of lines()) expect(t).toMatch(/runs out, unless the leader's next message resets it first$/);
    const leader = useSim.getState().leader!;
    const [a, ...rest] = useSim.getState().nodeIds.filter((id) => id !== leader);
    // The leader and one follower on one side, three on the other; then a one-way cut, then a disconnection.
    run(() => act('partition', [[[leader, a], rest]]));
    expect(lines().filter((t) => /no leader's messages can reach it$/.test(t)).length).toBe(3);
    expect(lines().filter((t) => t.startsWith(`${a}'s`))).toEqual([`${a}'s election timer runs out, unless the leader's next message resets it first`]);
    run(() => act('heal', []));
    run(() => act('cutLink', [leader, a]));
    expect(lines().filter((t) => /no leader's messages can reach it$/.test(t))).toEqual([`${a}'s election timer fires: no leader's messages can reach it`]);
    run(() => act('restoreLink', [leader, a]));
    run(() => act('disconnect', [rest[0]]));
    expect(lines().filter((t) => /no leader's messages can reach it$/.test(t))).toEqual([`${rest[0]}'s election timer fires: no leader's messages can reach it`]);
    run(() => act('crash', [leader]));
    for (const t of lines()) expect(t).toMatch(/election timer fires$/);
    // Back from a partition in a later term than the leader's: its messages arrive but are refused (audit r7 panels #3).
    const view = (id: string, role: 'leader' | 'follower', term: number) => ({ id, up: true, role, connected: true, term });
    const ahead = [view('n1', 'follower', 7), view('n2', 'leader', 1), view('n3', 'follower', 1)];
    expect(electionTimerLine(ahead[0], ahead, { n1: 0, n2: 0, n3: 0 }, [])).toBe("n1's election timer fires: the leader's messages reach it, but in an older term than its own, so they cannot reset it (§5.1)");
    expect(electionTimerLine(ahead[0], ahead, { n1: 1, n2: 0, n3: 0 }, [])).toBe("n1's election timer fires: no leader's messages can reach it");
  });

  it('Coming up and the Inspector say a message in flight will be dropped when a partition (or a crash) stands in its way (audit r6 learner #1)', async () => {
    render(
      <>
        <Narration />
        <Inspector />
      </>,
    );
    run(runUntilLeader);
    const leader = useSim.getState().leader!;
    // Just after the leader sends a heartbeat round: messages on their way to every follower.
    run(() => {
      const d = getDriver();
      d.beginBatch();
      for (let i = 0; i < 200 && !d.inFlight().some((m) => m.from === leader && m.type === 'AppendEntries'); i++) d.advance(d.now + 1);
      publishNow();
    });
    run(() => act('partition', [[[leader], useSim.getState().nodeIds.filter((id) => id !== leader)]]));
    const lines = [...screen.getByRole('region', { name: 'Coming up' }).querySelectorAll('li')].map((li) => li.textContent!);
    // Every message across the partition (from or to the leader) will be dropped; the rest arrive.
    const across = lines.filter((t) => new RegExp(`(${leader}→|→${leader} )`).test(t));
    expect(across.length).toBeGreaterThan(0);
    for (const t of across) expect(t).toMatch(/will be (dropped \(partition\)|lost)/);
    for (const t of lines.filter((x) => !across.includes(x) && / (Ping|AppendEntries|RequestVote)/.test(x))) expect(t).not.toMatch(/partition/);
    const m = getDriver().inFlight().find((x) => x.from === leader && x.type === 'AppendEntries')!;
    run(() => selectMessage(m.id));
    expect(await loaded(screen.findByText(`will be dropped when it arrives: ${leader} and ${m.to} are on different sides of the partition (unless it is healed first)`, undefined, { timeout: 10_000 }))).toBeTruthy();
    run(() => act('heal', []));
    expect(screen.getByText('will be delivered')).toBeTruthy();
    run(() => act('crash', [m.to]));
    expect(screen.getByText(`will be dropped when it arrives: ${m.to} is down (unless it restarts first)`)).toBeTruthy();
  });

  it('while playing, the narration holds still while the pointer is over it or the focus in it, then follows the run again', () => {
    render(<Narration />);
    run(runUntilLeader);
    rAct(() => useSim.setState({ playing: true }));
    const region = (): HTMLElement => screen.getByRole('region', { name: /^Now/ });
    const items = (): string => [...region().querySelectorAll('li')].map((li) => li.textContent).join('\n');
    /** Proposes a command (heartbeats alone are background), runs the cluster on `ms` and publishes the feed, as the play loop does every quarter second. */
    let n = 0;
    const play = (ms: number): void =>
      rAct(() => {
        const d = getDriver();
        d.cluster.propose(d.cluster.leader()!, `c${++n}`);
        d.beginBatch();
        d.advance(d.now + ms);
        useSim.setState({ feedVersion: d.seq, lastStep: d.lastStep });
      });
    play(300);
    const before = items();
    expect(before).not.toBe('');
    fireEvent.pointerOver(region());
    expect(region().getAttribute('aria-labelledby')).toBe('narration-title');
    expect(screen.getByRole('heading', { name: /held while you look/ })).toBeTruthy();
    play(200);
    expect(items(), 'the lines under the pointer stay').toBe(before);
    fireEvent.pointerOut(region());
    expect(items(), 'away from it, the newest events again').not.toBe(before);
    // Focus in it holds it the same way (a chip focused by Tab stays where it is).
    const focused = items();
    rAct(() => region().focus());
    play(200);
    expect(items()).toBe(focused);
    rAct(() => region().blur());
    expect(items()).not.toBe(focused);
  });

  it('the ? key opens the shortcut list from the actions registry, Escape closes it', async () => {
    render(<App />);
    fireEvent.keyDown(window, { key: '?' });
    const dialog = await loaded(screen.findByRole('dialog', { name: 'Keyboard shortcuts' }, { timeout: 10_000 }));
    expect(within(dialog).getByText('Play / pause')).toBeTruthy();
    expect(within(dialog).getByText('Next election')).toBeTruthy();
    fireEvent.keyDown(window, { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('keys drive the same actions: s steps, digits select nodes, x crashes the selected node', () => {
    render(<App />);
    rAct(() => useSim.setState({ stepKind: 'all' }));
    const before = getDriver().cluster.eventCount;
    fireEvent.keyDown(window, { key: 's' });
    expect(getDriver().cluster.eventCount).toBe(before + 1);
    fireEvent.keyDown(window, { key: '2' });
    expect(useSim.getState().selection.node).toBe('n2');
    rAct(() => {
      fireEvent.keyDown(window, { key: 'x' });
    });
    expect(getDriver().views().find((v) => v.id === 'n2')!.up).toBe(false);
  });

  it('shortcuts stay off while a modal dialog is open, and Space on a disclosure opens it instead of playing', () => {
    render(<App />);
    const playing = (): boolean => useSim.getState().playing;
    const before = playing();
    const dialog = document.createElement('dialog');
    dialog.setAttribute('open', '');
    document.body.appendChild(dialog);
    rAct(() => {
      fireEvent.keyDown(window, { key: ' ' });
    });
    expect(playing(), 'Space behind an open dialog').toBe(before);
    dialog.remove();
    const details = document.createElement('details');
    const summary = document.createElement('summary');
    details.appendChild(summary);
    document.body.appendChild(details);
    rAct(() => {
      fireEvent.keyDown(summary, { key: ' ' });
    });
    expect(playing(), 'Space on a summary').toBe(before);
    details.remove();
    rAct(() => {
      fireEvent.keyDown(window, { key: ' ' });
    });
    expect(playing(), 'Space elsewhere still plays or pauses').toBe(!before);
  });

  it('typing in a field does not trigger shortcuts', async () => {
    render(<App />);
    fireEvent.click(screen.getByRole('tab', { name: 'Client' }));
    const input = await loaded(screen.findByRole('textbox', { name: 'Command' }, { timeout: 10_000 }));
    const before = getDriver().cluster.eventCount;
    fireEvent.keyDown(input, { key: 's' });
    expect(getDriver().cluster.eventCount).toBe(before);
  });
});

describe('side tabs', () => {
  it('what a learner typed in a tab is still there after visiting another tab, and only the shown tab is exposed', async () => {
    render(<App />);
    fireEvent.click(screen.getByRole('tab', { name: 'Client' }));
    const input = await loaded(screen.findByRole('textbox', { name: 'Command' }, { timeout: 10_000 }));
    fireEvent.change(input, { target: { value: 'PUB drafts kept' } });
    fireEvent.click(screen.getByRole('tab', { name: 'Faults' }));
    await loaded(screen.findByRole('tabpanel', { name: 'Faults' }, { timeout: 10_000 }));
    // The Client panel is hidden, not gone: not in the accessibility tree while Faults is shown.
    expect(screen.queryByRole('textbox', { name: 'Command' })).toBeNull();
    expect(within(screen.getByRole('region', { name: 'Panels' })).getAllByRole('tabpanel').map((p) => p.id)).toEqual(['side-panel-faults']);
    fireEvent.click(screen.getByRole('tab', { name: 'Client' }));
    expect(await loaded(screen.findByRole('textbox', { name: 'Command' }))).toHaveProperty('value', 'PUB drafts kept');
  });
});

describe('cluster view', () => {
  it('draws every node with an accessible name and selects on click', () => {
    const { container } = render(<ClusterView />);
    const nodes = container.querySelectorAll('g.node');
    expect(nodes).toHaveLength(5);
    expect(nodes[0].getAttribute('aria-label')).toMatch(/^n1: follower, term 0/);
    fireEvent.click(nodes[1]);
    expect(useSim.getState().selection.node).toBe('n2');
  });

  it('colours the leader and moves messages each frame; a message can be selected', () => {
    const { container } = render(<ClusterView />);
    run(runUntilLeader);
    rAct(() => frame(16));
    expect(container.querySelectorAll('g.node.leader')).toHaveLength(1);
    // Messages are painted on a canvas: the drawing says where each one is, a click there selects it.
    const msgs = drawnMessages();
    expect(msgs.length).toBeGreaterThan(0);
    expect(msgs.map((m) => m.id).sort()).toEqual(getDriver().inFlight().map((m) => m.id).sort());
    fireEvent.click(container.querySelector('svg.cv')!, { clientX: msgs[0].clientX, clientY: msgs[0].clientY });
    expect(useSim.getState().selection.message).toBe(msgs[0].id);
  });

  it('works for 1 and for 50 nodes', () => {
    freshRun({ seed: 1, nodes: 1 });
    const one = render(<ClusterView />);
    expect(one.container.querySelectorAll('g.node')).toHaveLength(1);
    one.unmount();
    freshRun({ seed: 1, nodes: 50 });
    const many = render(<ClusterView />);
    expect(many.container.querySelectorAll('g.node')).toHaveLength(50);
  });
});

describe('inspector', () => {
  it('the overview names every node that believes it leads: two after a partition, the older term marked stale (§5.1)', () => {
    render(<Inspector />);
    rAct(() => {
      runScenario('two-leaders');
      finishTask();
    });
    const nodes = useSim.getState().nodes.filter((n) => n.up && n.role === 'leader').sort((a, b) => b.term - a.term);
    expect(nodes.length).toBe(2);
    const [top, stale] = nodes;
    const hint = screen.getByRole('region', { name: 'Overview' }).querySelector('p.hint')!.textContent!;
    expect(hint).toMatch(new RegExp(`^Leaders: ${top.id} \\(term ${top.term}\\) and ${stale.id} \\(term ${stale.term}(, cut off)?: stale, it has not heard of term ${top.term} yet\\)\\.`));
  });

  it('shows a node’s term, vote and log grid, committed entries marked', async () => {
    render(<Inspector />);
    run(runUntilLeader);
    const leader = getDriver().cluster.leader()!;
    run(() => seek(getDriver().now + 100));
    rAct(() => selectNode(leader));
    // The node's view loads on first use (InspectorDetail): wait for it, whatever ran before.
    const panel = await loaded(screen.findByRole('region', { name: `Node ${leader}` }, { timeout: 5000 }));
    expect(within(panel).getByText('leader')).toBeTruthy();
    expect(within(panel).getByRole('list', { name: `Log of ${leader}` }).querySelectorAll('.cell.committed').length).toBe(1);
    expect(within(panel).getByText('Replication (leader’s view)')).toBeTruthy();
  });

  it('renders a hostile command as text, never as HTML', async () => {
    const { container } = render(<Inspector />);
    run(runUntilLeader);
    const leader = getDriver().cluster.leader()!;
    rAct(() => {
      act('propose', [leader, '<img src=x onerror=alert(1)>']);
      selectNode(leader);
    });
    await loaded(screen.findByRole('region', { name: `Node ${leader}` }, { timeout: 5000 }));
    const cells = container.querySelectorAll('.log-grid .cell');
    fireEvent.click(cells[cells.length - 1]);
    expect(screen.getByTestId('entry-detail').textContent).toContain('<img src=x onerror=alert(1)>');
    expect(container.querySelector('img')).toBeNull();
  });

  it('shows a message’s payload and can drop it', async () => {
    const { container } = render(
      <>
        <ClusterView />
        <Inspector />
      </>,
    );
    run(runUntilLeader);
    rAct(() => frame(16));
    // A Raft message (pings and sync messages are in flight too).
    const raft = new Set(getDriver().inFlight().filter((m) => /^(AppendEntries|RequestVote)/.test(m.type)).map((m) => String(m.id)));
    const msg = drawnMessages().find((m) => raft.has(String(m.id)))!;
    const id = msg.id;
    fireEvent.click(container.querySelector('svg.cv')!, { clientX: msg.clientX, clientY: msg.clientY });
    expect((await screen.findByTestId('payload', {}, { timeout: 5000 })).textContent).toMatch(/term\d+ — the sender’s term/);
    fireEvent.click(screen.getByRole('button', { name: 'Drop this message' }));
    expect(getDriver().inFlight().some((m) => m.id === id)).toBe(false);
    expect(getDriver().feedTail(1)[0].e).toMatchObject({ kind: 'drop', detail: 'user', msgId: id });
  });
});

describe('faults panel', () => {
  it('crashes, restarts, times out and disconnects a node', () => {
    render(<FaultsPanel />);
    fireEvent.click(screen.getByRole('button', { name: 'Crash n1' }));
    expect(getDriver().views()[0].up).toBe(false);
    fireEvent.click(screen.getByRole('button', { name: 'Restart n1' }));
    expect(getDriver().views()[0].up).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: 'Time out n3' }));
    expect(getDriver().views()[2].role).toBe('candidate');
    fireEvent.click(screen.getByRole('button', { name: 'Disconnect n4' }));
    expect(getDriver().views()[3].connected).toBe(false);
  });

  it('partitions by group chips and heals', () => {
    render(<FaultsPanel />);
    fireEvent.click(screen.getByRole('button', { name: /Group of n1/ }));
    fireEvent.click(screen.getByRole('button', { name: /Group of n2/ }));
    fireEvent.click(screen.getByRole('button', { name: /^Partition: \{n1 n2\} \| \{n3 n4 n5\}/ }));
    const g = getDriver().cluster.groups();
    expect(g.n1).toBe(g.n2);
    expect(g.n1).not.toBe(g.n3);
    fireEvent.click(screen.getByRole('button', { name: 'Heal network' }));
    expect(new Set(Object.values(getDriver().cluster.groups())).size).toBe(1);
  });

  it('cuts a link one way and restores it', () => {
    render(<FaultsPanel />);
    fireEvent.click(screen.getByRole('button', { name: 'Cut n1→n2' }));
    expect(getDriver().cluster.cutLinks()).toEqual([['n1', 'n2']]);
    fireEvent.click(screen.getByRole('button', { name: 'Restore' }));
    expect(getDriver().cluster.cutLinks()).toEqual([]);
  });

  it('a network slider applies when let go, as one action', () => {
    render(<FaultsPanel />);
    const loss = screen.getByRole('slider', { name: /Loss/ });
    fireEvent.change(loss, { target: { value: '0.25' } });
    expect(getDriver().cluster.network.dropRate).toBe(0);
    fireEvent.pointerUp(loss);
    expect(getDriver().cluster.network.dropRate).toBe(0.25);
    expect(getDriver().cluster.actions().filter((a) => a.op === 'setNetwork')).toHaveLength(1);
  });

  it('a slider applies only what its own gesture changed: a key that lands on it after a new run applies nothing', () => {
    render(<FaultsPanel />);
    const loss = screen.getByRole('slider', { name: /Loss/ });
    fireEvent.change(loss, { target: { value: '0.05' } });
    fireEvent.keyUp(loss, { key: 'ArrowRight' });
    expect(getDriver().cluster.network.dropRate).toBe(0.05);
    rAct(() => freshRun());
    expect(getDriver().cluster.network.dropRate).toBe(0);
    // Tab onto it, a click on the thumb without moving it: the 5 % of the old run must not come back.
    fireEvent.keyUp(loss, { key: 'Tab' });
    fireEvent.pointerUp(loss);
    expect(getDriver().cluster.network.dropRate).toBe(0);
    expect(getDriver().cluster.actions().filter((x) => x.op === 'setNetwork')).toHaveLength(0);
  });

  it('minority | majority leaves a real majority on one side with an even number of nodes too', () => {
    rAct(() => freshRun({ seed: 1, nodes: 4 }));
    render(<FaultsPanel />);
    fireEvent.click(screen.getByRole('button', { name: 'Minority | majority' }));
    expect(screen.getByRole('button', { name: /^Partition: / }).textContent).toMatch(/\{n1\} \| \{n2 n3 n4\}/);
  });

  it('warns when the latency it sets makes a round trip as long as the shortest election timeout (§5.6)', () => {
    render(<FaultsPanel />);
    expect(screen.queryByTestId('network-warning')).toBeNull();
    const max = screen.getByRole('slider', { name: /Latency max/ });
    fireEvent.change(max, { target: { value: '80' } });
    fireEvent.pointerUp(max);
    expect(screen.getByTestId('network-warning').textContent).toMatch(/A round trip can now take 160 ms, not less than the shortest election timeout \(150 ms\)/);
    fireEvent.change(max, { target: { value: '10' } });
    fireEvent.pointerUp(max);
    expect(screen.queryByTestId('network-warning')).toBeNull();
    // The extra delay counts too, once any share of messages gets it.
    const share = screen.getByRole('slider', { name: /Extra delay \(share\)/ });
    fireEvent.change(share, { target: { value: '0.1' } });
    fireEvent.pointerUp(share);
    // (10 ms + the default extra delay's 50 ms, twice: 120 ms, under 150.)
    expect(screen.queryByTestId('network-warning')).toBeNull();
    const delay = screen.getByRole('slider', { name: /Extra delay max/ });
    fireEvent.change(delay, { target: { value: '100' } });
    fireEvent.pointerUp(delay);
    expect(screen.getByTestId('network-warning').textContent).toMatch(/A round trip can now take 220 ms/);
  });

  it('steps a node’s clock', () => {
    render(<FaultsPanel />);
    const before = getDriver().views()[0].clock.offsetMs;
    fireEvent.click(screen.getByRole('button', { name: '+500 ms' }));
    expect(getDriver().views(true)[0].clock.offsetMs).toBeCloseTo(before + 500, 3);
  });
});

describe('event feed and timeline', () => {
  it('lists events as sentences; clicking one jumps there', () => {
    render(<EventFeed />);
    run(() => seek(400));
    const rows = screen.getByRole('list', { name: 'Events, oldest first' }).querySelectorAll('li');
    expect(rows.length).toBeGreaterThan(5);
    expect(rows[0].textContent).toMatch(/§5\./);
    const seq = Number(rows[2].getAttribute('data-seq'));
    rAct(() => {
      fireEvent.click(rows[2].querySelector('button')!);
      finishTask();
    });
    expect(useSim.getState().selection.event).toBe(seq);
    expect(getDriver().seq).toBeGreaterThanOrEqual(seq);
    expect(getDriver().now).toBeLessThan(400);
  });

  it('the feed renders its newest rows first and the older ones when paused a moment, scrolled up or an event is selected', async () => {
    render(<EventFeed />);
    run(() => seek(3000));
    // Every kind of event (an idle cluster's story rows are few once heartbeats and their replies are hidden).
    fireEvent.click(screen.getByRole('checkbox', { name: /Heartbeats/ }));
    const list = (): HTMLElement => screen.getByRole('list', { name: 'Events, oldest first' });
    const count = screen.getByText(/^latest \d+ of/).textContent!;
    const all = Number(/^latest (\d+)/.exec(count)![1]);
    expect(all, 'the run has more rows than the window (so the checks below can fail)').toBeGreaterThan(60);
    // Right after the seek: the newest 48, the newest last; the older ones come when the page is idle.
    expect(list().querySelectorAll('li').length).toBe(48);
    const newest = list().querySelector('li:last-child')!.getAttribute('data-seq');
    await expect.poll(() => list().querySelectorAll('li').length, { timeout: 3000 }).toBe(all);
    expect(list().querySelector('li:last-child')!.getAttribute('data-seq')).toBe(newest);
    // Away and back to the same moment (End again): a new refresh, the window first again.
    run(() => seek(2000));
    expect(list().querySelectorAll('li').length).toBe(48);
    run(() => seek(3000));
    expect(list().querySelectorAll('li').length, 'back at a moment shown in full before: the window first').toBe(48);
    await expect.poll(() => list().querySelectorAll('li').length, { timeout: 3000 }).toBe(all);
    // Playing, scrolled to the newest: the window again; scrolled up: every row.
    rAct(() => useSim.setState({ playing: true }));
    expect(list().querySelectorAll('li').length).toBe(48);
    const scroller = list().parentElement!;
    rAct(() => {
      scroller.scrollTop = -200;
      fireEvent.scroll(scroller);
    });
    expect(list().querySelectorAll('li').length).toBe(all);
  });

  it('the timeline is a slider: Home rewinds to 0, End returns to the end, with marks for leaders', () => {
    const { container } = render(<Timeline />);
    run(() => seek(500));
    const slider = screen.getByRole('slider', { name: /Timeline/ });
    expect(slider.getAttribute('aria-valuetext')).toMatch(/\b1 leader election,/);
    expect(container.querySelectorAll('.tl-mark.leader').length).toBe(1);
    rAct(() => {
      fireEvent.keyDown(slider, { key: 'Home' });
      finishTask();
    });
    expect(getDriver().now).toBe(0);
    rAct(() => {
      fireEvent.keyDown(slider, { key: 'End' });
      finishTask();
    });
    expect(getDriver().now).toBe(500);
  });

  it('a press on the timeline seeks at once (before the release); a release elsewhere after a drag seeks there', () => {
    render(<Timeline />);
    run(() => seek(1000));
    const slider = screen.getByRole('slider', { name: /Timeline/ });
    const x = stripX;
    rAct(() => {
      fireEvent.pointerDown(slider, { clientX: x(500), pointerId: 1 });
      finishTask();
    });
    expect(getDriver().now).toBeCloseTo(500, 6);
    const seeks: number[] = [];
    const off = useSim.subscribe((s, prev) => s.now !== prev.now && seeks.push(s.now));
    rAct(() => {
      fireEvent.pointerUp(slider, { clientX: x(500), pointerId: 1 });
      finishTask();
    });
    expect(seeks, 'a release where the press was seeks no more').toEqual([]);
    rAct(() => {
      fireEvent.pointerDown(slider, { clientX: x(250), pointerId: 1, button: 2 });
      fireEvent.pointerUp(slider, { clientX: x(250), pointerId: 1, button: 2 });
      finishTask();
    });
    expect(seeks, 'a right click seeks nowhere').toEqual([]);
    rAct(() => {
      fireEvent.pointerDown(slider, { clientX: x(250), pointerId: 1 });
      finishTask();
    });
    expect(getDriver().now).toBeCloseTo(250, 6);
    rAct(() => {
      fireEvent.pointerMove(slider, { clientX: x(750), pointerId: 1 });
      fireEvent.pointerUp(slider, { clientX: x(750), pointerId: 1 });
      finishTask();
    });
    expect(getDriver().now).toBeCloseTo(750, 6);
    off();
  });

  it('resting the pointer on the timeline readies the seek there (the press then replays nothing); a press cancels a pending one', async () => {
    render(<Timeline />);
    run(() => seek(60_000));
    const slider = screen.getByRole('slider', { name: /Timeline/ });
    // The strip spans 60 s now.
    const x = (t: number): number => stripX((t / 60_000) * 1000);
    const prepare = vi.spyOn(Driver.prototype, 'prepare');
    const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
    // Moves on the way: only where the pointer rests is readied.
    fireEvent.pointerMove(slider, { clientX: x(40_000), pointerId: 1, buttons: 0 });
    fireEvent.pointerMove(slider, { clientX: x(20_000), pointerId: 1, buttons: 0 });
    await rAct(() => pause(400));
    expect(prepare).toHaveBeenCalledTimes(1);
    expect(prepare.mock.calls[0][0]).toBeCloseTo(20_000, 6);
    expect(prepare.mock.results[0].value, 'a seek there would replay a feed of events or more').toBe(true);
    expect(getDriver().now, 'the run is where it was').toBe(60_000);
    rAct(() => {
      fireEvent.pointerDown(slider, { clientX: x(20_000), pointerId: 1 });
      finishTask();
    });
    expect(getDriver().now).toBeCloseTo(20_000, 6);
    expect(getDriver().lastAdvanceEvents, 'restored, nothing replayed').toBe(0);
    rAct(() => {
      fireEvent.pointerUp(slider, { clientX: x(20_000), pointerId: 1 });
    });
    // A press right after resting starts cancels the readying.
    fireEvent.pointerMove(slider, { clientX: x(50_000), pointerId: 1, buttons: 0 });
    rAct(() => {
      fireEvent.pointerDown(slider, { clientX: x(50_000), pointerId: 1 });
      finishTask();
      fireEvent.pointerUp(slider, { clientX: x(50_000), pointerId: 1 });
    });
    await rAct(() => pause(400));
    expect(prepare).toHaveBeenCalledTimes(1);
    prepare.mockRestore();
  });

  it('a drag scrubs: the run follows the pointer at most once a frame, and ends where the pointer is let go', async () => {
    render(<Timeline />);
    run(() => seek(1000));
    const slider = screen.getByRole('slider', { name: /Timeline/ });
    const nextFrame = (): Promise<void> => new Promise((r) => requestAnimationFrame(() => r()));
    const x = stripX;
    rAct(() => {
      fireEvent.pointerDown(slider, { clientX: x(200), pointerId: 1 });
      finishTask();
    });
    expect(getDriver().now).toBeCloseTo(200, 6);
    const seeks: number[] = [];
    const off = useSim.subscribe((s, prev) => s.now !== prev.now && seeks.push(s.now));
    // Three moves within one frame: one seek, to the last of them, once the frame comes.
    rAct(() => {
      for (const t of [300, 400, 500]) fireEvent.pointerMove(slider, { clientX: x(t), pointerId: 1 });
    });
    expect(seeks, 'nothing before the frame').toEqual([]);
    await rAct(async () => {
      await nextFrame();
      await nextFrame();
      finishTask();
    });
    expect(seeks.map((t) => Math.round(t))).toEqual([500]);
    expect(screen.getByRole('slider', { name: /Timeline/ }).getAttribute('aria-valuenow')).toBe('500');
    // Let go elsewhere: the run ends there, and no frame left over seeks again.
    rAct(() => {
      fireEvent.pointerMove(slider, { clientX: x(650), pointerId: 1 });
      fireEvent.pointerUp(slider, { clientX: x(700), pointerId: 1 });
      finishTask();
    });
    await rAct(async () => {
      await nextFrame();
      await nextFrame();
    });
    expect(seeks.map((t) => Math.round(t))).toEqual([500, 700]);
    off();
  });
});

describe('correctness panel', () => {
  it('lists every property as holding in a correct run', () => {
    render(<CorrectnessPanel />);
    run(() => seek(300));
    for (const p of ['Election Safety', 'Leader Completeness', 'State Machine Safety']) expect(screen.getByText(p)).toBeTruthy();
    expect(screen.queryAllByText('broken')).toHaveLength(0);
  });

  it('"break it" restarts the run with the rule off', () => {
    render(<CorrectnessPanel />);
    fireEvent.click(screen.getByRole('checkbox', { name: /check the candidate’s log/ }));
    rAct(() => {
      fireEvent.click(screen.getByRole('button', { name: 'Restart with these rules' }));
      finishTask();
    });
    expect(useSim.getState().run.rules).toEqual({ voteLogCheck: false, commitCurrentTermOnly: true });
    expect(screen.getByText('Rules are off in this run.')).toBeTruthy();
  });

  it('findings (a retry stored again past the dedup window) are listed apart from the properties, and pause nothing', () => {
    render(<CorrectnessPanel />);
    run(() => runUntilLeader());
    const leader = useSim.getState().leader!;
    expect(screen.queryByRole('heading', { name: 'Findings' })).toBeNull();
    // One at a time, as the sim test does: a pipelined retry would meet its id still pending.
    const ask = (line: string) => run(() => (act('command', [leader, line]), seek(useSim.getState().now + 100)));
    ask('PUB t --id X first');
    for (let i = 1; i <= 100; i++) ask(`PUB t --id o${i} other`);
    ask('PUB t --id X first');
    run(() => seek(useSim.getState().now + 1000));
    expect(useSim.getState().findings.map((f) => f.property)).toEqual([WINDOW_FINDING]);
    expect(screen.getByRole('heading', { name: 'Findings' })).toBeTruthy();
    expect(screen.getByText(WINDOW_FINDING)).toBeTruthy();
    expect(screen.getByText(/Latest: .*id X stored again in topic t/)).toBeTruthy();
    expect(screen.queryAllByText('broken')).toHaveLength(0);
  });

  it('a scenario that breaks a rule shows the broken property and a jump to it', () => {
    render(<CorrectnessPanel />);
    rAct(() => {
      fireEvent.click(screen.getByRole('button', { name: 'Vote without log check' }));
      finishTask();
    });
    expect(screen.getAllByText('broken').length).toBeGreaterThan(0);
    expect(screen.getAllByRole('button', { name: 'Jump there' }).length).toBeGreaterThan(0);
  });
});

describe('config panel', () => {
  /** The Config panel with its cluster.yaml source chosen: its editor. */
  const yamlEditor = (): HTMLElement => {
    render(<ConfigPanel />);
    fireEvent.click(screen.getByRole('radio', { name: /cluster\.yaml/ }));
    return screen.getByRole('textbox', { name: 'cluster.yaml' });
  };

  it('validates cluster.yaml inline and refuses to apply a bad one, changing nothing', () => {
    const editor = yamlEditor();
    fireEvent.change(editor, { target: { value: 'nodes:\n  - id: a\n    host: h\n    port: 99999\n' } });
    expect(screen.getByTestId('yaml-status').textContent).toMatch(/port' must be an integer in range 1\.\.65535 \(nodes\[0\]\.port\)/);
    const before = getDriver();
    fireEvent.click(screen.getByRole('button', { name: 'Apply and start a new run' }));
    expect(screen.getByTestId('config-error').textContent).toMatch(/Not applied/);
    expect(getDriver()).toBe(before);
    // Two documents: said in the learner's words, not the library's (audit r5).
    fireEvent.change(editor, { target: { value: 'nodes:\n  - {id: a, host: h, port: 1}\n---\nnodes: []\n' } });
    expect(screen.getByTestId('yaml-status').textContent).toBe("✗ cluster.yaml must be a single YAML document: remove the '---' at line 3");
  });

  it('reads merge keys as the original did, and names the keys it ignores (a misspelt key did nothing without a word)', () => {
    const editor = yamlEditor();
    fireEvent.change(editor, { target: { value: 'seed: 7\ndefaults: &d {host: h}\nnodes:\n  - <<: *d\n    id: a\n    port: 1\n  - {id: b, host: h, prot: 3, port: 2}\n' } });
    expect(screen.getByTestId('yaml-status').textContent).toBe('✓ 2 nodes: a, b. Ignored (cluster.yaml gives only the nodes: id, host, port): seed, defaults, nodes[1].prot');
  });

  it('applies a valid cluster.yaml: a new run with its node ids; user text stays text', () => {
    const editor = yamlEditor();
    // An id that is markup is refused (one word a scenario line can name), and the refusal shows it as text.
    fireEvent.change(editor, { target: { value: 'nodes:\n  - {id: "<b>x</b>", host: h, port: 1}\n  - {id: beta, host: h, port: 2}\n' } });
    expect(screen.getByTestId('yaml-status').textContent).toMatch(/Node 'id' must be letters, digits or _\.:- only .*not '<b>x<\/b>' \(nodes\[0\]\.id\)/);
    expect(screen.getByTestId('yaml-status').querySelector('b')).toBeNull();
    fireEvent.change(editor, { target: { value: 'nodes:\n  - {id: alpha, host: "<b>h</b>", port: 1}\n  - {id: beta, host: h, port: 2}\n  - {id: gamma, host: h, port: 3}\n' } });
    expect(screen.getByTestId('yaml-status').textContent).toBe('✓ 3 nodes: alpha, beta, gamma');
    rAct(() => {
      fireEvent.click(screen.getByRole('button', { name: 'Apply and start a new run' }));
      finishTask();
    });
    expect(useSim.getState().nodeIds).toEqual(['alpha', 'beta', 'gamma']);
  });
});

describe('share panel', () => {
  it('refuses a corrupt run file with a message and changes nothing', async () => {
    render(<SharePanel />);
    const before = getDriver();
    const file = new File(['{"format":"wiber-sim-run","version":1,"run":{"seed":"x"}}'], 'bad.json', { type: 'application/json' });
    fireEvent.change(screen.getByTestId('import-file'), { target: { files: [file] } });
    expect((await screen.findByTestId('import-error')).textContent).toMatch(/Could not import bad\.json: .*Nothing was changed/);
    expect(getDriver()).toBe(before);
  });

  it('a run a link could not hold (past an hour of simulated time) is not shared: it says why and what to do, and makes no link', async () => {
    freshRun({ seed: 2, nodes: 3 });
    run(() => seek(3_700_000));
    render(<SharePanel />);
    fireEvent.click(screen.getByRole('button', { name: 'Create link' }));
    expect((await screen.findByTestId('share-error')).textContent).toMatch(/^This run cannot be shared from here: it is at t = 3700\.0 s, and a link or file holds at most 3600\.0 s of simulated time\. Go back/);
    expect(screen.queryByTestId('share-link')).toBeNull();
    // Back within the hour: the link is made.
    run(() => seek(3_000_000));
    fireEvent.click(screen.getByRole('button', { name: 'Create link' }));
    expect((await screen.findByTestId('share-link')).getAttribute('value')).toMatch(/#z=/);
    expect(screen.queryByTestId('share-error')).toBeNull();
  });

  it('shows a fingerprint that identifies the state', () => {
    render(<SharePanel />);
    expect(screen.getByTestId('fingerprint').textContent).toMatch(/^[0-9a-f]{8}$/);
  });
});

describe('metrics and space-time', () => {
  it('counts messages by type and elections', () => {
    render(<MetricsPanel />);
    run(() => seek(500));
    const types = screen.getByRole('table');
    expect(within(types).getByText('RequestVote')).toBeTruthy();
    expect(screen.getByText(/leaders? elected/).textContent).toMatch(/\b1 leader elected/);
  });

  it('every chart spans the run so far: one commit early in a 1.5 s run is one narrow bar at the start of Throughput (audit r6 learner #3)', () => {
    const { container } = render(<MetricsPanel />);
    run(() => seek(1500));
    const bars = (label: RegExp): SVGRectElement[] => [...container.querySelectorAll<SVGSVGElement>('svg.spark')].find((svg) => label.test(svg.getAttribute('aria-label') ?? ''))!.querySelectorAll('rect') as unknown as SVGRectElement[];
    const sent = [...bars(/^Messages sent over time/)];
    const commits = [...bars(/^Entries committed over time/)];
    expect(useSim.getState().metrics.commitSeries.reduce((a, b) => a + b, 0), 'the no-op of the first leader').toBeGreaterThan(0);
    expect(commits.length).toBe(sent.length);
    expect(commits.map((r) => r.getAttribute('width'))).toEqual(sent.map((r) => r.getAttribute('width')));
    // The commits all fell early: the chart's second half is empty.
    expect(commits.slice(commits.length / 2).every((r) => Number(r.getAttribute('height')) === 0)).toBe(true);
  });

  it('commit latency: past the samples kept, it says they are the first ones, and which commits the bars are', () => {
    render(<MetricsPanel />);
    run(() => seek(500));
    expect(screen.getByText(/^latest \d+ commits?, from the leader/)).toBeTruthy();
    const m = useSim.getState().metrics;
    rAct(() => useSim.setState({ metrics: { ...m, commitLatencies: Array.from({ length: 20_000 }, (_, i) => 10 + (i % 7)) } }));
    expect(screen.getByText(/the first 20,000 entries committed/)).toBeTruthy();
    expect(screen.getByText(/^commits 19,941–20,000 \(the last sampled\), from the leader/)).toBeTruthy();
  });

  it('commit latency on a one-node cluster says its commits needed no message, not that nothing was committed (audit r7 panels #2)', () => {
    render(<MetricsPanel />);
    run(() => {
      newRun({ seed: 1, nodes: 1 });
      seek(2000);
    });
    const m = useSim.getState().metrics;
    expect(m.commitSeries.reduce((a, b) => a + b, 0), 'the lone leader committed its no-op').toBeGreaterThan(0);
    expect(m.commitLatencies).toEqual([]);
    expect(screen.getByText(/^These commits needed no message to time \(a one-node cluster commits an entry as soon as it appends it\)/)).toBeTruthy();
    expect(screen.queryByText(/No entries committed by a leader yet/)).toBeNull();
  });

  it('draws arrows for messages and highlights the causal past of a clicked event', () => {
    useSim.setState({ bottomTab: 'spacetime' });
    const { container } = render(<SpaceTime />);
    run(runUntilLeader);
    const arrows = container.querySelectorAll('.st-arrow');
    expect(arrows.length).toBeGreaterThan(4);
    const points = container.querySelectorAll('circle.st-pt');
    rAct(() => {
      points[points.length - 1].dispatchEvent(new MouseEvent('click', { bubbles: true }));
    });
    expect(screen.getByText(/happened before it/).textContent).toMatch(/\d+ events in view happened before it/);
    expect(container.querySelectorAll('.hb-past').length).toBeGreaterThan(0);
  });
});
