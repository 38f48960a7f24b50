// @vitest-environment happy-dom
// The log grid: one row per node and one column per index, each cell the term of its entry (Figure 7's
// divergent logs drawn cell for cell), committed cells solid up to each node's commit index with the
// commit bar after it, a window on long logs, and no redraw while the logs do not change.
import { cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ScenarioRunner } from '../../src/sim/scenario';
import type { NodeView } from '../../src/sim/types';
import { termClass, termColor } from '../../src/ui/colors';
import { LogGrid, logGridKey } from '../../src/ui/LogGrid';

// Counts the grid's drawing work: it asks for one colour per cell it draws.
vi.mock('../../src/ui/colors', async (original) => {
  const m = await original<typeof import('../../src/ui/colors')>();
  return { ...m, termClass: vi.fn(m.termClass) };
});

afterEach(cleanup);

/** A node view with a log of these terms (index 1 first). */
function node(id: string, terms: number[], commitIndex: number, patch: Partial<NodeView> = {}): NodeView {
  return {
    id,
    up: true,
    connected: true,
    role: 'follower',
    term: Math.max(0, ...terms),
    votedFor: null,
    log: terms.map((term, i) => ({ index: i + 1, term, command: `x=${i + 1}` })),
    commitIndex,
    lastApplied: commitIndex,
    leaderId: null,
    lamport: 0,
    nextIndex: {},
    matchIndex: {},
    votes: [],
    clock: { localMs: 0, correctedMs: 0, offsetMs: 0, driftPpm: 0, estimatedOffsetMs: 0, errorMs: 0 },
    suspects: [],
    members: [],
    learners: [],
    configIndex: 0,
    committedMembers: [],
    learner: false,
    removed: false,
    snapshot: null,
    preCandidate: false,
    transferee: null,
    leaseMs: 0,
    ...patch,
  };
}

/** The Raft paper's Figure 7: the leader for term 8 and six followers (a)–(f); here the first three. */
const FIGURE7: NodeView[] = [
  node('leader', [1, 1, 1, 4, 4, 5, 5, 6, 6, 6], 9, { role: 'leader' }),
  node('a', [1, 1, 1, 4, 4, 5, 5, 6, 6], 9),
  node('b', [1, 1, 1, 4], 4),
  node('f', [1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3], 3, { up: false }),
];

/** The grid as text: per row, the terms of its cells ('.' for no entry), committed cells upper-cased as C. */
function rows(): Record<string, { terms: string; committed: number; edge: number | undefined; commit: string }> {
  const out: Record<string, { terms: string; committed: number; edge: number | undefined; commit: string }> = {};
  for (const tr of document.querySelectorAll<HTMLTableRowElement>('tbody tr')) {
    const cells = [...tr.querySelectorAll<HTMLTableCellElement>('td.lg-cell')];
    const edge = cells.findIndex((c) => c.classList.contains('edge'));
    out[tr.dataset.node!] = {
      terms: cells.map((c) => c.dataset.term ?? '.').join(' '),
      committed: cells.filter((c) => c.classList.contains('committed')).length,
      edge: edge < 0 ? undefined : edge + 1,
      commit: tr.dataset.commit!,
    };
  }
  return out;
}

describe('the log grid', () => {
  it('draws Figure 7 cell for cell: terms, committed prefixes and the commit bar per node (§5.3)', () => {
    render(<LogGrid nodes={FIGURE7} />);
    const headers = [...document.querySelectorAll('thead th.lg-index')].map((th) => th.textContent);
    expect(headers).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11']);
    expect(rows()).toEqual({
      leader: { terms: '1 1 1 4 4 5 5 6 6 6 .', committed: 9, edge: 9, commit: '9' },
      a: { terms: '1 1 1 4 4 5 5 6 6 . .', committed: 9, edge: 9, commit: '9' },
      b: { terms: '1 1 1 4 . . . . . . .', committed: 4, edge: 4, commit: '4' },
      // A crashed node keeps its log on disk (shown, dimmed) but its commit index is volatile.
      f: { terms: '1 1 1 2 2 2 3 3 3 3 3', committed: 3, edge: 3, commit: '3' },
    });
    // Cells of one term share a colour (a class per colour, whose rule gives the term's colour); cells of different terms do not.
    const cell = (row: string, i: number) => document.querySelector<HTMLElement>(`tr[data-node="${row}"] td.lg-cell:nth-of-type(${i})`)!;
    const colourClass = (el: HTMLElement) => [...el.classList].find((c) => /^term-\d+$/.test(c));
    expect(colourClass(cell('leader', 4))).toBe(colourClass(cell('b', 4)));
    expect(colourClass(cell('leader', 4))).not.toBe(colourClass(cell('f', 4)));
    const rules = [...document.querySelectorAll('style')].map((x) => x.textContent).join('');
    expect(rules).toContain(`.${colourClass(cell('leader', 4))}{--term:${termColor(4)};`);
    expect(rules).toContain(`.${colourClass(cell('f', 4))}{--term:${termColor(2)};`);
    // Each row says who it is, its role and its commit index, also to a screen reader.
    const f = screen.getByRole('rowheader', { name: 'f: down, commit index 3' });
    expect(f.closest('tr')!.className).toContain('down');
    expect(within(screen.getByRole('rowheader', { name: /^leader/ })).getByText('c9')).toBeTruthy();
    expect(cell('b', 4).textContent).toBe('4 committed');
    expect(cell('a', 9).textContent).toBe('6 committed');
    expect(cell('leader', 10).textContent).toBe('6 not known committed here');
    expect(cell('leader', 10).title).toContain('“x=10”');
  });

  it('shows the newest indices of a long log and says how many came before', () => {
    const long = Array.from({ length: 100 }, (_, i) => 1 + Math.floor(i / 30));
    render(<LogGrid nodes={[node('n1', long, 90), node('n2', long.slice(0, 95), 80)]} maxColumns={20} />);
    const headers = [...document.querySelectorAll('thead th.lg-index')].map((th) => Number(th.textContent));
    expect(headers[0]).toBe(81);
    expect(headers.at(-1)).toBe(100);
    expect(document.querySelector('thead th.lg-more')!.getAttribute('title')).toBe('entries 1–80 are not shown');
    const r = rows();
    expect(r.n1.committed).toBe(10);
    expect(r.n1.edge).toBe(10);
    expect(r.n2.terms.split(' ').filter((t) => t === '.').length).toBe(5);
    // n2's commit index (80) is left of the window: no bar, no committed cell shown.
    expect(r.n2.committed).toBe(0);
    expect(r.n2.edge).toBeUndefined();
  });

  it('matches a real cluster: a follower cut off during two proposals lags, then catches up (§5.3)', () => {
    const runner = new ScenarioRunner({ seed: 7, nodes: 3 });
    runner.runText('run until leader within 2s\nrun 100ms');
    const leader = runner.cluster.leader()!;
    const lagging = runner.cluster.nodeIds.find((id) => id !== leader)!;
    runner.runText(`disconnect ${lagging}\npropose ${leader} a\npropose ${leader} b\nrun 200ms`);
    const views = () => runner.cluster.nodeIds.map((id) => runner.cluster.node(id));
    const { rerender } = render(<LogGrid nodes={views()} />);
    const term = String(runner.cluster.node(leader).term);
    let r = rows();
    expect(r[leader]).toEqual({ terms: `${term} ${term} ${term}`, committed: 3, edge: 3, commit: '3' });
    expect(r[lagging].terms).toBe(`${term} . .`);
    expect(r[lagging].committed).toBe(1);
    // Back in: it learns the entries it missed (and, its term having grown while it was alone, may
    // unseat the leader first: either way every log ends up the same and committed).
    runner.runText(`reconnect ${lagging}\nrun until leader within 2s\nrun 500ms`);
    const now = views();
    rerender(<LogGrid nodes={now} />);
    r = rows();
    for (const v of now) {
      expect(r[v.id].terms, v.id).toBe(v.log.map((e) => e.term).join(' '));
      expect(r[v.id].committed, v.id).toBe(v.commitIndex);
    }
    const newLeader = runner.cluster.leader()!;
    expect(r[lagging].terms).toBe(r[newLeader].terms);
    expect(r[lagging].commit).toBe(r[newLeader].commit);
    expect(r[lagging].terms.startsWith(`${term} ${term} ${term}`)).toBe(true);
    runner.dispose();
  });

  it('does not redraw while the logs and commit indices stay the same (fresh view objects every frame)', () => {
    const copy = (v: NodeView, patch: Partial<NodeView> = {}): NodeView => ({ ...v, log: v.log.map((e) => ({ ...e })), ...patch });
    const colours = vi.mocked(termClass);
    colours.mockClear();
    const { rerender } = render(<LogGrid nodes={FIGURE7.map((v) => copy(v))} />);
    const cells = document.querySelectorAll('td.lg-cell:not(.empty)').length;
    expect(colours.mock.calls.length).toBe(cells);
    colours.mockClear();
    for (let i = 0; i < 5; i++) rerender(<LogGrid nodes={FIGURE7.map((v) => copy(v, { lamport: i, clock: { ...v.clock, localMs: i } }))} />);
    expect(colours).not.toHaveBeenCalled();
    rerender(<LogGrid nodes={FIGURE7.map((v) => copy(v, v.id === 'b' ? { commitIndex: 3 } : {}))} />);
    expect(colours.mock.calls.length).toBe(cells);
    expect(rows().b.edge).toBe(3);
  });

  it('keys the grid on what it draws', () => {
    const key = (nodes: NodeView[]) => logGridKey({ nodes });
    expect(key(FIGURE7)).toBe(key(FIGURE7.map((v) => ({ ...v, lamport: 99, term: 42 }))));
    expect(key(FIGURE7)).not.toBe(key(FIGURE7.map((v, i) => (i === 1 ? node('a', [1, 1, 1, 4, 4, 5, 5, 6, 7], 9) : v))));
    expect(key(FIGURE7)).not.toBe(key(FIGURE7.map((v, i) => (i === 0 ? { ...v, role: 'candidate' as const } : v))));
    expect(key(FIGURE7)).not.toBe(key(FIGURE7.map((v, i) => (i === 2 ? { ...v, connected: false } : v))));
  });

  it('says so when every log is empty', () => {
    render(<LogGrid nodes={[node('n1', [], 0), node('n2', [], 0)]} />);
    expect(screen.getByText('Every log is empty.')).toBeTruthy();
  });
});
