// @vitest-environment happy-dom
// The guide's step view: every step shows each node's log as a grid; the step bar (button and keys)
// steps a copy of the step's cluster to the next event of the watched kind with its explanation,
// passing over pings and clock sync; "to next election / leader" reuse the simulator's goals; the
// chapter carries on from the step's own moment; step directives and question `visible:` lists
// open the panels they name; the inspector and the messages in flight show the engine's state.
import { act as rAct, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chapterById, chapters, loadChapter, sessionAt, type Chapter } from '../../src/guides';
import { useSim } from '../../src/store/sim';
import { watched } from '../../src/store/stepKinds';
import { panelsOf, viewAt } from '../../src/ui/guide/directives';
import { Explorer } from '../../src/ui/guide/explore';
import { GuidePlayer } from '../../src/ui/guide/GuidePlayer';
import { clusterFingerprint, snapCluster } from '../../src/ui/guide/model';
import { resetProgress } from '../../src/ui/guide/progress';

const election = chapterById('election')!;
const replication = chapterById('replication')!;

/** A small chapter of our own (front matter filled in), so a test does not depend on the course's text. */
function testChapter(id: string, order: number, seed: number, body: string): Chapter {
  const front = `---\nid: ${id}\norder: ${order}\ntitle: ${id}\nsummary: A test chapter.\nseed: ${seed}\nseedIndependent: false\nsources:\n  - title: Raft\n    url: https://raft.github.io/\nsetup: |\n  nodes 5\n---\n\nIntro.\n\n`;
  return loadChapter(front + body, `guides/${id}.md`);
}

/** A five-node chapter with the time layer on (clock sync and the failure detector ping all the time). */
const busy = testChapter('busy', 91, 3, [1, 2, 3, 4, 5].map((i) => `## Step ${i}\n\nProse.\n\n\`\`\`scenario\nrun 100ms\n\`\`\``).join('\n\n'));

const view = (): HTMLElement => screen.getByTestId('guide-cluster');
const fp = (): string => view().getAttribute('data-fingerprint') ?? '';
const events = (): number => Number(view().getAttribute('data-events'));
const narration = (): string => screen.getByTestId('guide-narration').textContent ?? '';
const stepBar = (): HTMLElement => screen.getByTestId('guide-stepbar');
const stepButton = (): HTMLElement => within(stepBar()).getByRole('button', { name: 'Step' });
const player = (): HTMLElement => document.querySelector<HTMLElement>('.guide-player')!;
const setKind = (kind: string): void => {
  fireEvent.change(within(stepBar()).getByRole('combobox', { name: 'Step to' }), { target: { value: kind } });
};

beforeEach(() => {
  resetProgress();
  rAct(() => useSim.setState({ stepKind: 'raft' }));
});
afterEach(cleanup);

/** The engine's logs at a chapter step, row by row as the grid must show them. */
function engineLogs(chapter: Chapter, step: number): Record<string, { terms: string; commit: number }> {
  const { session } = sessionAt(chapter, step);
  const c = session.runner.cluster;
  const out = Object.fromEntries(c.nodeIds.map((id) => [id, { terms: c.node(id).log.map((e) => e.term).join(' '), commit: c.node(id).commitIndex }]));
  session.runner.dispose();
  return out;
}

function gridLogs(): Record<string, { terms: string; commit: number }> {
  const grid = screen.getByTestId('log-grid');
  return Object.fromEntries(
    [...grid.querySelectorAll<HTMLTableRowElement>('tbody tr')].map((tr) => [
      tr.dataset.node!,
      { terms: [...tr.querySelectorAll<HTMLElement>('td.lg-cell[data-term]')].map((td) => td.dataset.term).join(' '), commit: Number(tr.dataset.commit) },
    ]),
  );
}

describe('the log grid in every step', () => {
  it('shows each node’s log as the engine holds it, at every step of the replication chapter', () => {
    for (let k = 1; k <= replication.steps.length; k++) {
      render(<GuidePlayer chapter={replication} start={k} />);
      expect(gridLogs(), `step ${k}`).toEqual(engineLogs(replication, k));
      cleanup();
    }
  });

  it('follows the cluster as the learner steps: a commit shows up in the grid', () => {
    render(<GuidePlayer chapter={replication} start={2} />);
    const before = gridLogs();
    const leader = Object.keys(before).find((id) => before[id].terms.split(' ').length === 2)!;
    expect(before[leader].commit).toBe(1);
    fireEvent.click(within(stepBar()).getByRole('button', { name: 'Commit' }));
    expect(narration()).toMatch(new RegExp(`${leader} committed up to index 2`));
    expect(gridLogs()[leader].commit).toBe(2);
  });
});

describe('the step bar', () => {
  it('from the start of a run, Step reaches the first election and passes over pings and clock sync (§5.2)', () => {
    render(<GuidePlayer chapter={busy} />);
    expect(events()).toBe(0);
    fireEvent.click(stepButton());
    expect(narration()).toMatch(/(n\d) timed out and started an election for term 1/);
    expect(narration()).toMatch(/Passed over \d+ events of other kinds/);
    const passed = Number(/Passed over (\d+)/.exec(narration())![1]);
    expect(passed).toBeGreaterThan(3);
    // The same moment headlessly: every event before the election timer is background.
    const x = Explorer.of(sessionAt(busy, 0).session.runner.cluster);
    x.step('all');
    let n = 1;
    while (!x.lastStep.some((i) => i.e.kind === 'timer' && i.e.type === 'election')) {
      expect(x.lastStep.some((i) => watched('raft', i.e)), `event ${n}`).toBe(false);
      x.step('all');
      n++;
    }
    expect(events()).toBe(n);
    expect(fp()).toBe(clusterFingerprint(x.driver.cluster));
    x.dispose();
    expect(screen.getByTestId('guide-explored').textContent).toMatch(/past this step/);
  });

  it('every step of every chapter can be stepped: its copy is the very same cluster', () => {
    const failed: string[] = [];
    for (const c of chapters) {
      for (let k = 0; k <= c.steps.length; k++) {
        const { session, outcomes } = sessionAt(c, k);
        if (outcomes.every((o) => o.ok)) {
          try {
            // Explorer.of throws when the copy's fingerprint differs from the step's cluster.
            const x = Explorer.of(session.runner.cluster);
            x.step('raft');
            x.dispose();
          } catch (err) {
            failed.push(`${c.id} step ${k} (seed ${c.seed}): ${err instanceof Error ? err.message : String(err)}`);
          }
        }
        session.runner.dispose();
      }
    }
    expect(failed).toEqual([]);
  });

  it('watching every event, Step is exactly one scheduler event', () => {
    render(<GuidePlayer chapter={election} />);
    setKind('all');
    // The guide's choice is its own: the simulator's Step keeps watching Raft.
    expect((within(stepBar()).getByRole('combobox', { name: 'Step to' }) as HTMLSelectElement).value).toBe('all');
    expect(useSim.getState().stepKind).toBe('raft');
    for (let i = 1; i <= 4; i++) {
      fireEvent.click(stepButton());
      expect(events()).toBe(i);
    }
    expect(screen.getByTestId('guide-explored').textContent).toMatch(/^\d+ events? \(/);
  });

  it('the keys of the simulator work in the guide: S steps, E runs to the next election, L to the next leader', () => {
    render(<GuidePlayer chapter={busy} />);
    fireEvent.keyDown(player(), { key: 's' });
    expect(events()).toBeGreaterThan(1);
    const cand = /(n\d) timed out and started an election/.exec(narration())![1];
    fireEvent.keyDown(player(), { key: 'l' });
    expect(narration()).toMatch(/(n\d) won a majority of votes and became leader of term \d/);
    const leader = /(n\d) won a majority/.exec(narration())![1];
    expect(document.querySelector(`.guide-ring g.gnode[data-node="${leader}"]`)!.classList.contains('leader')).toBe(true);
    fireEvent.keyDown(player(), { key: 'e' });
    expect(narration()).toMatch(/became a candidate|started an election/);
    // Keys typed into a field are the field's.
    render(<GuidePlayer chapter={chapterById('failure-detection')!} start={1} />);
    const input = screen.getByRole('spinbutton', { name: 'Your answer' });
    const before = document.querySelectorAll('[data-testid="guide-explored"]').length;
    fireEvent.keyDown(input, { key: 's' });
    expect(document.querySelectorAll('[data-testid="guide-explored"]').length).toBe(before);
    expect(cand).toMatch(/^n\d$/);
  });

  it('back to the step, and Next carries on from the step’s own moment, not from where the learner stepped', () => {
    render(<GuidePlayer chapter={election} start={1} />);
    const at1 = fp();
    for (let i = 0; i < 5; i++) fireEvent.click(stepButton());
    expect(fp()).not.toBe(at1);
    fireEvent.click(screen.getByRole('button', { name: '↺ Back to the step' }));
    expect(fp()).toBe(at1);
    for (let i = 0; i < 3; i++) fireEvent.click(stepButton());
    fireEvent.click(screen.getByRole('button', { name: 'Skip the question' }));
    expect(screen.getByTestId('guide-where').textContent).toBe('Step 2 of 10');
    expect(fp()).toBe(clusterFingerprint(sessionAt(election, 2).session.runner.cluster));
    expect(screen.queryByTestId('guide-explored')).toBeNull();
  });

  it('Try it yourself hands over the cluster the learner is looking at, stepped or not', () => {
    const given: string[] = [];
    render(<GuidePlayer chapter={election} start={1} onTakeOver={(c) => void given.push(clusterFingerprint(c))} />);
    const at1 = fp();
    fireEvent.click(screen.getByRole('button', { name: 'Try it yourself' }));
    for (let i = 0; i < 3; i++) fireEvent.click(stepButton());
    const stepped = fp();
    fireEvent.click(screen.getByRole('button', { name: 'Try it yourself' }));
    expect(given).toEqual([at1, stepped]);
    expect(stepped).not.toBe(at1);
  });

  it('says so when nothing of the watched kind comes (no client, no pub/sub event)', () => {
    render(<GuidePlayer chapter={election} start={1} />);
    setKind('messaging');
    fireEvent.click(stepButton());
    expect(narration()).toMatch(/No Pub\/sub event happened within 60 s of simulated time/);
  });
});

describe('what a step asks the view to show', () => {
  it('maps the chapter’s panel names to the view’s panels; the log grid is always there', () => {
    expect(panelsOf(['log-grid', 'timers', 'inflight'])).toEqual(['nodes', 'inflight']);
    expect(panelsOf(['spacetime', 'clocks', 'history', 'replies', 'inspector', 'detector', 'checks'])).toEqual([
      'spacetime', 'clocks', 'history', 'replies', 'inspector', 'detector', 'checks',
    ]);
    expect(panelsOf(undefined)).toEqual([]);
  });

  /** Step 2 shows the space-time diagram and watches every event, step 3 inspects the leader, step 4 asks a question decided by the clocks. */
  const directed = testChapter(
    'directed',
    90,
    5,
    `## One

A leader.

\`\`\`scenario
run until leader within 2s
\`\`\`

## Two

Look at the diagram.

\`\`\`view
show: [spacetime]
watch: all
\`\`\`

\`\`\`scenario
run 100ms
\`\`\`

## Three

Inspect the leader.

\`\`\`view
inspect: leader
\`\`\`

\`\`\`scenario
run 50ms
\`\`\`

## Four

\`\`\`predict
about: run
kind: pick-a-node
question: Which node leads?
visible: [clocks]
answer: leader
shown: leader
\`\`\`

Four.

\`\`\`scenario
run 50ms
\`\`\`

## Five

Five.
`,
  );

  it('opens the panels a step names when the learner reaches it, inspects its node, and steps what it watches', () => {
    const leader = (() => {
      const { session } = sessionAt(directed, 3);
      const id = session.runner.cluster.leader()!;
      session.runner.dispose();
      return id;
    })();
    expect(viewAt(directed, 2).panels).toEqual(['spacetime']);
    expect(viewAt(directed, 2).watch).toBe('all');
    expect(viewAt(directed, 3).panels).toEqual(['inspector', 'clocks']);
    render(<GuidePlayer chapter={directed} start={1} />);
    const open = (): string[] => [...document.querySelectorAll<HTMLElement>('.guide-panel')].map((p) => p.dataset.panel!);
    expect(open()).toEqual(['nodes', 'inflight']);
    const kind = (): string => (within(stepBar()).getByRole('combobox', { name: 'Step to' }) as HTMLSelectElement).value;
    expect(kind()).toBe('raft');
    fireEvent.click(screen.getByRole('button', { name: 'Next →' }));
    expect(open()).toContain('spacetime');
    expect(screen.getByRole('img', { name: /^Space-time diagram of the last \d+ ms: \d+ messages/ })).toBeTruthy();
    expect(kind()).toBe('all');
    fireEvent.click(stepButton());
    expect(events()).toBe(Number(sessionAt(directed, 2).session.runner.cluster.eventCount) + 1);
    fireEvent.click(screen.getByRole('button', { name: 'Next →' }));
    expect(open()).toEqual(expect.arrayContaining(['inspector', 'clocks', 'spacetime']));
    expect(within(screen.getByTestId('guide-inspector')).getByRole('heading', { level: 4 }).textContent).toMatch(new RegExp(`^${leader}`));
    expect(kind()).toBe('raft');
  });

  it('with lease reads, the inspector shows the leader\'s read lease as the engine holds it, and that it ran out (the reads chapter)', () => {
    const reads = chapterById('reads')!;
    const lease = (step: number): { id: string; ms: number } => {
      const { session } = sessionAt(reads, step);
      const c = session.runner.cluster;
      const id = c.leader()!;
      const ms = c.node(id).leaseMs;
      session.runner.dispose();
      return { id, ms };
    };
    const at6 = lease(6);
    expect(at6.ms, 'step 6 (A lease: answering at once): the leader holds a lease').toBeGreaterThan(0);
    render(<GuidePlayer chapter={reads} start={6} />);
    const insp = screen.getByTestId('guide-inspector');
    expect(within(insp).getByRole('heading', { level: 4 }).textContent).toMatch(new RegExp(`^${at6.id}`));
    expect(screen.getByTestId('guide-lease').textContent).toMatch(/^; read lease \d+(\.\d+)? ms left: it answers reads alone \(thesis §6\.4\.1\)$/);
    expect(Number(/read lease ([\d.]+) ms/.exec(screen.getByTestId('guide-lease').textContent!)![1])).toBeCloseTo(at6.ms, 0);
    cleanup();
    // Step 7 (A lease runs out in time) inspects the old leader, whose lease had run out.
    render(<GuidePlayer chapter={reads} start={7} />);
    const old = within(screen.getByTestId('guide-inspector')).getByRole('heading', { level: 4 }).textContent!.split(' ')[0];
    const { session } = sessionAt(reads, 7);
    const v = session.runner.cluster.node(old);
    session.runner.dispose();
    expect([v.role, v.up, v.leaseMs], `step 7: ${old}, the old leader cut off, still leads without a lease`).toEqual(['leader', true, 0]);
    expect(screen.getByTestId('guide-lease').textContent).toBe('; no read lease: a read waits for a heartbeat round');
  });

  it('panels open and close from their chips; the inspector shows what survives a crash', () => {
    render(<GuidePlayer chapter={replication} start={3} />);
    const chips = screen.getByRole('group', { name: 'Show panels' });
    fireEvent.click(within(chips).getByRole('button', { name: 'Nodes & timers' }));
    expect(document.querySelector('[data-panel="nodes"]')).toBeNull();
    fireEvent.click(within(chips).getByRole('button', { name: 'Inspector' }));
    const insp = screen.getByTestId('guide-inspector');
    fireEvent.click(within(insp).getByRole('button', { name: 'n2' }));
    expect(within(insp).getByRole('heading', { level: 4 }).textContent).toMatch(/^n2/);
    expect(insp.textContent).toMatch(/On disk \(survives a crash\)term \d+, voted for/);
    const log = within(insp).getByRole('table', { name: "n2's log" });
    expect(within(log).getAllByRole('row').length).toBeGreaterThan(1);
  });

  it('the checkers panel marks the properties a step broke; the detector panel counts suspicions as the engine does', () => {
    const safety = chapterById('safety')!;
    const last = safety.steps.findIndex((st) => /committed entry is lost/i.test(st.title)) + 1;
    expect(last).toBeGreaterThan(0);
    render(<GuidePlayer chapter={safety} start={last} />);
    fireEvent.click(within(screen.getByRole('group', { name: 'Show panels' })).getByRole('button', { name: 'Checkers' }));
    const checks = screen.getByTestId('guide-checks');
    const { session } = sessionAt(safety, last);
    const broken = new Set(session.runner.cluster.violations().map((v) => v.property));
    session.runner.dispose();
    expect(broken.has('Leader Completeness')).toBe(true);
    for (const li of within(checks).getAllByRole('listitem')) {
      const property = li.textContent!.replace(/^[✓✗] /, '').replace(/: (broken|holds).*$/, '');
      expect(li.className, property).toBe(broken.has(property) ? 'broken' : 'holds');
    }
    cleanup();

    const fd = chapterById('failure-detection')!;
    render(<GuidePlayer chapter={fd} start={fd.steps.length} />);
    const chips = screen.getByRole('group', { name: 'Show panels' });
    if (document.querySelector('[data-panel="detector"]') === null) fireEvent.click(within(chips).getByRole('button', { name: 'Failure detector' }));
    const panel = screen.getByTestId('guide-detector');
    const c = sessionAt(fd, fd.steps.length).session.runner.cluster;
    const stats = c.detectorStats();
    for (const id of c.nodeIds) {
      const cells = within(within(panel).getByRole('rowheader', { name: id }).closest('tr')!).getAllByRole('cell').map((td) => td.textContent);
      expect(cells.slice(1), id).toEqual([String(stats.byNode[id].suspicions), String(stats.byNode[id].falseSuspicions)]);
    }
  });

  it('the Topics table shows each record’s Lamport stamp, ts and corrected_ts as the engine holds them (the clocks chapter compares two ts)', () => {
    const clocks = chapterById('clocks')!;
    const at = clocks.steps.findIndex((st) => /backwards/i.test(st.title)) + 1;
    expect(at).toBeGreaterThan(0);
    render(<GuidePlayer chapter={clocks} start={at} />);
    const table = screen.getByRole('table', { name: 'Topics' });
    const heads = within(table).getAllByRole('columnheader').map((th) => th.textContent);
    expect(heads).toEqual(['Topic', 'Offset', 'Id', 'Message', 'Lamport', 'ts', 'corrected_ts']);
    const { session } = sessionAt(clocks, at);
    const records = session.runner.cluster.history('n3', 'orders');
    session.runner.dispose();
    const rows = within(table).getAllByRole('row').slice(1).map((tr) => within(tr).getAllByRole('cell').map((td) => td.textContent));
    const ms = (x: number): string => `${Math.round(x * 10) / 10} ms`;
    expect(rows.map((r) => r.slice(1))).toEqual(records.map((r) => [String(r.offset), r.id, r.message, String(r.lamport), ms(r.ts), ms(r.correctedTs)]));
    // What the step's prose says of them: offset 2 was written later with the earlier timestamp.
    expect(records[1].ts).toBeLessThan(records[0].ts);
  });

  it('the space-time diagram opens on the step’s own events: a step of pings only is not drawn from time 0; lanes are readable', () => {
    const lamport = chapterById('lamport')!;
    render(<GuidePlayer chapter={lamport} start={1} />);
    const windowSelect = screen.getByRole('combobox', { name: 'Window' }) as HTMLSelectElement;
    const { session } = sessionAt(lamport, 1);
    const c = session.runner.cluster;
    const now = c.now;
    const firstAt = c.journal().find((e) => e.kind === 'send')!.at;
    session.runner.dispose();
    // The step is 120 quiet-then-busy ms: its first message goes out after 100 ms.
    expect(firstAt).toBeGreaterThan(now / 2);
    expect(Number(windowSelect.value)).toBeLessThan(now);
    expect(Number(windowSelect.value)).toBeGreaterThanOrEqual(now - firstAt);
    const svg = document.querySelector<SVGSVGElement>('svg.st')!;
    expect(Number(svg.getAttribute('height'))).toBeGreaterThanOrEqual(5 * 30);
  });

  it('the checkers panel lists findings; the red block names each broken property once, with how many more reports it had', () => {
    const dedup = chapterById('dedup')!;
    const at = dedup.steps.findIndex((st) => /too small/i.test(st.title)) + 1;
    expect(at).toBeGreaterThan(0);
    const found = sessionAt(dedup, at).session.runner.cluster.findings();
    expect(found.length).toBeGreaterThan(0);
    render(<GuidePlayer chapter={dedup} start={at} />);
    fireEvent.click(within(screen.getByRole('group', { name: 'Show panels' })).getByRole('button', { name: 'Checkers' }));
    const checks = screen.getByTestId('guide-checks');
    expect(within(checks).getByRole('heading', { name: 'Findings' })).toBeTruthy();
    expect(checks.textContent).toContain(found[0].property);
    cleanup();

    const safety = chapterById('safety')!;
    const lost = safety.steps.findIndex((st) => /committed entry is lost/i.test(st.title)) + 1;
    const c = sessionAt(safety, lost).session.runner.cluster;
    const properties = [...new Set(c.violations().map((v) => v.property))];
    // Reported more times than there are properties: the block shows each property once.
    expect(c.violations().length).toBeGreaterThan(properties.length);
    render(<GuidePlayer chapter={safety} start={lost} />);
    const block = document.querySelector<HTMLElement>('.guide-violations')!;
    expect(within(block).getAllByRole('listitem')).toHaveLength(properties.length);
    expect(within(block).getByRole('heading').textContent).toBe(`Checkers: ${properties.length} ${properties.length === 1 ? 'property' : 'properties'} broken`);
    expect(block.textContent).toMatch(/more reports? of /);
  });

  it('client lines come in the order they happened; a link cut one way is drawn cut, with a cross on the blocked direction', () => {
    const pubsub = chapterById('pubsub')!;
    for (let k = 1; k <= pubsub.steps.length; k++) {
      const { session } = sessionAt(pubsub, k);
      const lines = snapCluster(session.runner.cluster).clientLines;
      for (let i = 1; i < lines.length; i++) expect(lines[i].events, `step ${k} line ${i}`).toBeGreaterThanOrEqual(lines[i - 1].events);
      session.runner.dispose();
    }
    const cutting = testChapter('cutting', 92, 1, [1, 2, 3, 4, 5].map((i) => `## Step ${i}\n\nProse.\n\n\`\`\`scenario\n${i === 1 ? 'cut n1 n4\n' : ''}run 10ms\n\`\`\``).join('\n\n'));
    render(<GuidePlayer chapter={cutting} start={1} />);
    const ring = document.querySelector('svg.guide-ring')!;
    expect(ring.querySelectorAll('line.glink.cut')).toHaveLength(1);
    expect(ring.querySelectorAll('line.glink')).toHaveLength(10);
    expect([...ring.querySelectorAll('g.gcut title')].map((t) => t.textContent)).toEqual(["n1→n4 cut: n1's messages to n4 are dropped (n4's to n1 still arrive)"]);
  });

  it('lists the messages in flight soonest first with their arrival times', () => {
    render(<GuidePlayer chapter={replication} start={2} />);
    const { session } = sessionAt(replication, 2);
    const engine = session.runner.cluster
      .inFlight()
      .filter((m) => m.type.startsWith('AppendEntries') || m.type.startsWith('RequestVote'))
      .sort((a, b) => a.arriveAt - b.arriveAt);
    const rows = within(screen.getByTestId('guide-inflight')).getAllByRole('row').slice(1);
    expect(rows.length).toBe(Math.min(12, engine.length));
    rows.forEach((r, i) => {
      const cells = within(r).getAllByRole('cell').map((c) => c.textContent);
      expect(cells[1]).toBe(`${engine[i].from} → ${engine[i].to}`);
      expect(cells[2]).toMatch(new RegExp(`^(lost at )?${(engine[i].arriveAt).toFixed(1)} ms$`));
    });
    session.runner.dispose();
  });
});
