// The guide infrastructure on small chapters: placeholders filled from the engine, rule and run
// questions (fixed answers checked against the run; run answers checked against what the view showed),
// view directives, the figure and give-away scans, and the scenario values they rely on.
import { describe, expect, it } from 'vitest';
import { ChapterError, ChapterSession, figuresIn, giveaways, loadChapter, untiedFigures, walkChapter, type Chapter } from '../../src/guides/chapters';
import { compilePredicate, ScenarioRunner } from '../../src/sim/scenario';

/** A five-step chapter; `steps` replaces the default steps' bodies (one string per step: prose and blocks). */
function chapter(opts: { setup?: string; intro?: string; steps?: string[]; front?: string } = {}): string {
  const steps = opts.steps ?? [];
  const body = Array.from({ length: Math.max(5, steps.length) }, (_, i) =>
    `\n## Step ${i + 1}\n\n${steps[i] ?? 'Some prose about this step.\n\n```scenario\nrun 10ms\n```\n\n```check\nexpect no violation\n```'}\n`,
  ).join('');
  return (
    `---\nid: demo\norder: 99\ntitle: Demo\nsummary: A demo.\nseed: 1\nseedIndependent: true\nsources:\n  - title: x\n    url: https://example.org\n` +
    `setup: |\n  ${(opts.setup ?? 'nodes 5').split('\n').join('\n  ')}\n${opts.front ?? ''}---\n${opts.intro ?? 'Intro.'}\n${body}`
  );
}

function load(text: string): Chapter {
  return loadChapter(text, 'guides/demo.md');
}

function loadError(text: string): string {
  try {
    load(text);
  } catch (err) {
    expect(err).toBeInstanceOf(ChapterError);
    return (err as Error).message;
  }
  throw new Error('loaded without error');
}

describe('placeholders: numbers in prose come from the engine', () => {
  it('settings are filled from the chapter options, with formats', () => {
    const c = load(chapter({ setup: 'nodes 3\nheartbeat 80', intro: 'Beats every {{heartbeat}}; a majority is {{majority|word}} of {{nodes|word}}; timers {{electionTimeout}}.' }));
    expect(c.intro).toBe('Beats every 80 ms; a majority is two of three; timers 150–300 ms.');
  });

  it('a step setup changes the figures of that step only', () => {
    const c = load(
      chapter({
        steps: [
          'Timeout {{commitTimeout}}.\n\n```scenario\nrun 10ms\n```\n\n```check\nexpect no leader\n```',
          'Timeout {{commitTimeout|ms}}.\n\n```setup\ncommit-timeout 500\n```\n\n```scenario\nrun 10ms\n```\n\n```check\nexpect no leader\n```',
        ],
      }),
    );
    expect(c.steps[0].prose).toBe('Timeout 2 s.');
    expect(c.steps[1].prose).toBe('Timeout 500 ms.');
  });

  it('setup lines that each parse but make no cluster together are refused at load, with the line (not when the player renders)', () => {
    expect(loadError(chapter({ setup: 'nodes 3\nelection-timeout 300 150' }))).toMatch(/^guides\/demo\.md line 12: this setup does not make a cluster: electionTimeoutMs must be a pair/);
    expect(loadError(chapter({ setup: 'nodes 999' }))).toMatch(/line 12: this setup does not make a cluster: nodes must be a whole number from 1 to 50 \(got 999\)/);
    expect(loadError(chapter({ setup: 'heartbeat 0' }))).toMatch(/this setup does not make a cluster: heartbeatMs/);
    // A step's own setup block, merged with the chapter's.
    expect(loadError(chapter({ steps: ['Text.\n\n```setup\nelection-timeout 300 150\n```\n\n```scenario\nrun 10ms\n```'] }))).toMatch(/^guides\/demo\.md line \d+: this setup does not make a cluster/);
  });

  it('a step that could hold the page for long (its simulated time times its nodes) is refused at load, saying how much a step may run', () => {
    expect(loadError(chapter({ setup: 'nodes 50', steps: ['Long.\n\n```scenario\nrun 1200s\n```'] }))).toMatch(/line \d+: this step may run 1200 s of simulated time on 50 nodes, .* a step runs at most 200 s on 50 nodes/);
    expect(loadError(chapter({ setup: 'nodes 5', steps: ['Waits.\n\n```scenario\nrun until leader within 3000s\n```'] }))).toMatch(/this step may run 3000 s of simulated time on 5 nodes/);
    // Recorded lessons place actions at absolute times: a step spans from the last one's.
    expect(loadError(chapter({ setup: 'nodes 50', steps: ['A.\n\n```scenario\nat 100000ms\n```', 'B.\n\n```scenario\nat 400000ms\n```'] }))).toMatch(/this step may run 300 s of simulated time on 50 nodes/);
    expect(() => load(chapter({ setup: 'nodes 50', steps: ['A.\n\n```scenario\nat 100000ms\n```', 'B.\n\n```scenario\nat 250000ms\n```'] }))).not.toThrow();
    // Commands that wait for an answer count their longest wait (audit r7 inputs #1): 40 cmd lines may wait 240 s.
    const cmds = (n: number, line: string) => `Waits.\n\n\`\`\`scenario\n${Array.from({ length: n }, () => line).join('\n')}\n\`\`\``;
    expect(loadError(chapter({ setup: 'nodes 50', steps: [cmds(40, 'cmd n1 PING')] }))).toMatch(/this step may run 240 s of simulated time on 50 nodes/);
    expect(loadError(chapter({ setup: 'nodes 50', steps: [cmds(40, 'sub t1 --via n1')] }))).toMatch(/this step may run 240 s/);
    expect(loadError(chapter({ setup: 'nodes 50', steps: [cmds(20, 'pub t1 x --wait')] }))).toMatch(/this step may run 240 s/);
    expect(loadError(chapter({ setup: 'nodes 50', steps: [cmds(101, 'elect n1')] }))).toMatch(/this step may run 202 s/);
    expect(() => load(chapter({ setup: 'nodes 50', steps: [cmds(40, 'cmd --no-wait n1 PING')] }))).not.toThrow();
    expect(loadError(chapter({ setup: 'nodes 5', steps: [cmds(3, 'step 400000')] }))).toMatch(/this step's step lines process 1,200,000 events, .* a step processes at most 1,000,000/);
  });

  it('an unknown placeholder, a bad format or an unclosed one is an error with file and line', () => {
    expect(loadError(chapter({ steps: ['Every {{heartbeet}}.\n\n```check\nexpect no leader\n```'] }))).toMatch(
      /^guides\/demo\.md line 18: unknown placeholder \{\{heartbeet\}\} \(did you mean \{\{heartbeat\}\}\?\)/,
    );
    expect(loadError(chapter({ intro: 'A {{majority|ms}} thing.' }))).toMatch(/^guides\/demo\.md line 14: \{\{majority\|ms\}\}: format 'ms' does not fit/);
    expect(loadError(chapter({ intro: 'A {{heartbeat thing.' }))).toMatch(/line 14: a placeholder is not closed or not well formed/);
    expect(loadError(chapter({ intro: 'Run value {{$x}} in the intro.' }))).toMatch(/a run value like \{\{\$x\}\} may appear only in step prose/);
  });

  it('run values fill the step prose after the step ran; a missing one fails the step', () => {
    const c = load(
      chapter({
        steps: [
          'The leader is {{$l}}, elected at {{$t|ms}}.\n\n```scenario\nrun until leader within 2s\nlet l = leader\nlet t = time\n```\n\n```check\nexpect leader\n```',
          'Unset: {{$nope}}.\n\n```check\nexpect leader\n```',
        ],
      }),
    );
    const s = new ChapterSession(c);
    const o = s.next();
    expect(o.ok).toBe(true);
    expect(o.prose).toMatch(/^The leader is n\d, elected at \d+(\.\d)? ms\.$/);
    const o2 = s.next();
    expect(o2.ok).toBe(false);
    expect(o2.failures[0]).toMatch(/the prose uses \{\{\$nope\}\}, which this step's run did not set/);
  });
});

describe('figures typed by hand', () => {
  it('finds durations, rates, drifts and node counts', () => {
    const texts = figuresIn('Wait 150–300 ms, then 2 s, then three seconds, half a second, a whole second, 100 ppm, 30 %, a majority of five, all five nodes.');
    expect(texts.map((f) => f.text)).toEqual([
      '150–300 ms', '2 s', '100 ppm', '30 %', 'three seconds', 'half a second', 'a whole second', 'majority of five', 'all five nodes',
    ]);
    expect(texts[0].values).toEqual([150, 300]);
    expect(texts[4].values).toEqual([3000]);
    expect(texts[5].values).toEqual([500]);
  });

  it('ignores placeholders, code and ordinals ("a second leader")', () => {
    expect(figuresIn('Every {{heartbeat}}; `run 500ms`; a second leader; one second time.')).toEqual([]);
  });

  it('a figure is tied by the setup, by the step running that long, or by being the cluster size', () => {
    const c = load(
      chapter({
        setup: 'nodes 3\nnet latency 50 600',
        intro: 'Messages take 50–600 ms; a majority of three.',
        steps: ['A second passed: we ran 1s, not 2 s; all five nodes.\n\n```scenario\nrun 1s\n```\n\n```check\nexpect leader\n```'],
      }),
    );
    expect(untiedFigures(c).map((m) => m.replace(/ — .*/, ''))).toEqual([
      "guides/demo.md line 17 (prose): '2 s' is not tied to the engine",
      "guides/demo.md line 17 (prose): 'all five nodes' is not tied to the engine",
    ]);
    expect(untiedFigures(c, ['2 s', 'all five nodes'])).toEqual([]);
  });
});

describe('fair questions', () => {
  const rule = (extra: string): string =>
    `\`\`\`predict\nabout: rule\nkind: pick-one\nquestion: Will there be a leader?\nchoices:\n  - label: "Yes: a timer runs out"\n    when: leader\n  - label: "No"\n    when: no leader\ncorrect: "Yes: a timer runs out"\n${extra}\`\`\`\n\nProse.\n\n\`\`\`scenario\nrun until leader within 2s\n\`\`\`\n\n\`\`\`check\nexpect leader\n\`\`\``;

  it('a rule question is judged by its fixed answer; the run only says whether it agreed', () => {
    const c = load(chapter({ steps: [rule('')] }));
    const p = c.steps[0].predict!;
    expect(p.about).toBe('rule');
    expect(p.correct).toBe('Yes: a timer runs out');
    expect(p.agrees?.source).toBe('leader');
    const o = new ChapterSession(c).next();
    expect(o).toMatchObject({ ok: true, answer: 'Yes: a timer runs out', agrees: true });
  });

  it('a rule question that the run contradicts still has its fixed answer, with agrees false', () => {
    const c = load(chapter({ steps: [rule('agrees: no leader\n')] }));
    expect(new ChapterSession(c).next()).toMatchObject({ ok: true, answer: 'Yes: a timer runs out', agrees: false });
  });

  it('rule questions need a correct choice and an agreement check', () => {
    expect(loadError(chapter({ steps: [rule('').replace('correct: "Yes: a timer runs out"\n', '')] }))).toMatch(/a rule question needs 'correct'/);
    expect(loadError(chapter({ steps: [rule('').replace('correct: "Yes: a timer runs out"', 'correct: Maybe')] }))).toMatch(/'correct: Maybe' is not one of the choices/);
    expect(
      loadError(chapter({ steps: ['```predict\nabout: rule\nkind: pick-a-number\nquestion: How many?\ncorrect: 3\n```\n\nProse.\n\n```check\nexpect no leader\n```'] })),
    ).toMatch(/a rule question needs 'agrees'/);
  });

  const run = (shown: string): string =>
    `\`\`\`predict\nabout: run\nkind: pick-a-node\nquestion: Which node becomes a candidate first?\nvisible: [timers]\nanswer: first event role candidate\nshown: ${shown}\n\`\`\`\n\nProse.\n\n\`\`\`scenario\nrun until event role candidate within 1s\n\`\`\`\n\n\`\`\`check\nexpect not leader\n\`\`\``;

  it('a run question whose answer the view shows walks, on many seeds', () => {
    const c = load(chapter({ steps: ['Prose.\n\n```scenario\nrun 10ms\n```\n\n```check\nexpect no leader\n```', run('first timer')] }));
    expect(c.steps[1].view.show).toEqual(['log-grid', 'timers']);
    for (let seed = 1; seed <= 30; seed++) {
      const r = walkChapter(c, seed);
      expect(r.failures, `seed ${seed}`).toEqual([]);
      expect(r.steps[1].shown).toBe(r.steps[1].answer);
    }
  });

  it('a run question whose answer the view does not give fails the walk', () => {
    const c = load(chapter({ steps: ['Prose.\n\n```scenario\nrun 10ms\n```\n\n```check\nexpect no leader\n```', run('last timer')] }));
    const r = walkChapter(c);
    expect(r.ok).toBe(false);
    expect(r.failures[0]).toMatch(/predict — the view showed n\d as the answer, but the engine's answer is n\d/);
  });

  it('run questions need visible and shown, and cannot start a fresh cluster', () => {
    expect(loadError(chapter({ steps: [run('first timer').replace('visible: [timers]\n', '')] }))).toMatch(/a run question names what decides it on screen/);
    expect(loadError(chapter({ steps: [run('first timer').replace('shown: first timer\n', '')] }))).toMatch(/needs 'answer' .* and 'shown'/);
    expect(loadError(chapter({ steps: [run('first timer').replace('visible: [timers]', 'visible: [timer]')] }))).toMatch(/predict: visible\.0/);
    expect(loadError(chapter({ steps: [run('first timer') + '\n\n```setup\nnodes 5\n```'] }))).toMatch(/a run question cannot be asked on a step that starts a fresh cluster/);
  });

  it('an answer in the chapter intro or the step title is a give-away', () => {
    const c = load(chapter({ intro: 'Watch how a timer runs out.', steps: [rule('')] }));
    expect(giveaways(c)).toEqual([
      "guides/demo.md line 16: the chapter intro says 'timer runs', giving away the answer 'Yes: a timer runs out'",
      "guides/demo.md line 16: the chapter intro says 'runs out', giving away the answer 'Yes: a timer runs out'",
    ]);
    expect(giveaways(load(chapter({ steps: [rule('')] })))).toEqual([]);
  });
});

describe('view directives', () => {
  it('a step opens panels, inspects a node and picks what the step button watches; the chapter gives defaults', () => {
    const c = load(
      chapter({
        front: 'view:\n  show: [inflight]\n  watch: all\n',
        steps: ['Prose.\n\n```view\nshow: [spacetime]\ninspect: leader\nwatch: messaging\n```\n\n```scenario\nrun until leader within 2s\n```\n\n```check\nexpect leader\n```'],
      }),
    );
    expect(c.steps[0].view).toEqual({ show: ['log-grid', 'inflight', 'spacetime', 'inspector'], inspect: 'leader', watch: 'messaging' });
    expect(c.steps[1].view).toEqual({ show: ['log-grid', 'inflight'], watch: 'all' });
    const o = new ChapterSession(c).next();
    expect(o.inspect).toMatch(/^n\d$/);
  });

  it('a misspelt block name is an error naming the block meant (its checks or actions would silently not run); a code block keeps its language (audit r5)', () => {
    for (const [typo, meant] of [['chek', 'check'], ['scenaro', 'scenario'], ['Scenario', 'scenario'], ['Predict', 'predict'], ['chalenge', 'challenge'], ['vie', 'view']]) {
      expect(loadError(chapter({ steps: [`Prose.\n\n\`\`\`${typo}\nexpect leader\n\`\`\``] })), typo).toMatch(new RegExp(`^guides/demo\\.md line \\d+: unknown block '\`\`\`${typo}' — did you mean '\`\`\`${meant}'\\?`));
    }
    for (const lang of ['text', 'yaml', 'json', 'sh', 'vue', 'console', 'mermaid']) {
      const c = load(chapter({ steps: [`Prose.\n\n\`\`\`${lang}\nsome code\n\`\`\`\n\n\`\`\`check\nexpect no leader\n\`\`\``] }));
      expect(c.steps[0].prose, lang).toContain('some code');
    }
  });

  it('a bad view block is an error with its line', () => {
    expect(loadError(chapter({ steps: ['Prose.\n\n```view\nshow: [graph]\n```\n\n```check\nexpect no leader\n```'] }))).toMatch(/^guides\/demo\.md line 21: view: show\.0/);
    expect(loadError(chapter({ steps: ['Prose.\n\n```view\ninspect: n9\n```\n\n```check\nexpect no leader\n```'] }))).toMatch(/inspect: unknown node 'n9'/);
  });
});

describe('scenario values the questions use', () => {
  it('first timer / last timer: the node whose election timer fires first or last', () => {
    const r = new ScenarioRunner({ seed: 4 });
    const deadlines = r.cluster.nodeIds.map((id) => [id, r.cluster.node(id).electionDeadline!] as const).sort((a, b) => a[1] - b[1]);
    expect(r.value('first timer')).toBe(deadlines[0][0]);
    expect(r.value('last timer')).toBe(deadlines[4][0]);
    expect(r.value('at of first timer')).toBe(deadlines[0][1]);
  });

  it('first in-flight: the message that arrives first, by the arrival times on screen', () => {
    const r = new ScenarioRunner({ seed: 4 });
    r.cluster.runUntil(() => r.cluster.inFlight().some((m) => m.type === 'RequestVote'), 1000);
    const votes = r.cluster.inFlight().filter((m) => m.type === 'RequestVote').sort((a, b) => a.arriveAt - b.arriveAt);
    expect(r.value('first in-flight RequestVote')).toBe(votes[0].to);
    expect(r.value('from of last in-flight RequestVote')).toBe(votes[votes.length - 1].from);
    expect(r.value('at of first in-flight RequestVote')).toBe(votes[0].arriveAt);
    expect(r.value('first in-flight AppendEntries')).toBeUndefined();
  });

  it('predicates join with and', () => {
    const r = new ScenarioRunner({ seed: 4 });
    expect(r.check('no leader and all term = 0').ok).toBe(true);
    expect(r.check('no leader and all term = 1')).toEqual({ ok: false, detail: expect.stringContaining('term 0') });
    expect(r.check('not leader and event role candidate count = 0').ok).toBe(true);
    expect(compilePredicate('received alice offsets 1 2 and leader').source).toBe('received alice offsets 1 2 and leader');
    r.cluster.runUntil(() => r.cluster.leader() !== undefined, 2000);
    expect(r.check('leader and no violations').ok).toBe(true);
  });
});

describe('scenario commands and predicates the chapters rely on', () => {
  it('chaos: random faults from the seed, replayable, and never a violation with every rule on', () => {
    const a = new ScenarioRunner({ seed: 9 });
    const b = new ScenarioRunner({ seed: 9 });
    for (const r of [a, b]) expect(r.runText('run until leader within 2s\nchaos 3s\nexpect no violation').every((x) => x.status === 'ok')).toBe(true);
    expect(a.cluster.now).toBe(b.cluster.now);
    expect(JSON.stringify(a.cluster.actions())).toBe(JSON.stringify(b.cluster.actions()));
    expect(a.cluster.actions().filter((x) => ['crash', 'restart', 'partition', 'heal', 'timeout', 'propose'].includes(x.op)).length).toBeGreaterThan(10);
    const c = new ScenarioRunner({ seed: 10 });
    c.runText('chaos 3s');
    expect(JSON.stringify(c.cluster.actions())).not.toBe(JSON.stringify(a.cluster.actions()));
  });

  it('chaos until: runs until the predicate holds (a broken rule is caught)', () => {
    const r = new ScenarioRunner({ seed: 3, rules: { voteLogCheck: false }, checkers: 'record' });
    const res = r.runText('run until leader within 2s\nchaos until violation within 60s');
    expect(res.map((x) => x.status)).toEqual(['ok', 'ok']);
    expect(r.cluster.violations().length).toBeGreaterThan(0);
    const bad = new ScenarioRunner({ seed: 3 }).runText('chaos until leaders count >= 9 within 500ms');
    expect(bad[0].message).toMatch(/not reached within 500ms of chaos: \d leaders?/);
  });

  it('leaders count counts every node that believes it leads; diverges finds an entry another log lacks', () => {
    const r = new ScenarioRunner({ seed: 5 });
    const res = r.runText(
      'run until leader within 2s\nlet old = leader\nlet buddy = follower\npartition $old $buddy | rest\npropose $old stranded\nrun until leader term > 1 within 2s\nrun 200ms',
    );
    expect(res.every((x) => x.status === 'ok'), JSON.stringify(res)).toBe(true);
    expect(r.check('leaders count = 2').ok).toBe(true);
    expect(r.check('$old diverges leader')).toEqual({ ok: true, detail: expect.stringMatching(/entry \d \(term 1\) is not in n\d's log/) });
    expect(r.check('$buddy diverges leader').ok).toBe(true); // it stored the stranded entry too
    expect(r.check('leader diverges leader').ok).toBe(false);
    expect(r.check('leader diverges $old').ok).toBe(true);
  });

  it('a cluster of one answers a PUB at once (it commits and applies inside propose)', () => {
    const r = new ScenarioRunner({ nodes: 1 });
    const res = r.runText('run until leader within 2s\ncmd n1 PUB orders hello\nexpect reply "OK published *"\ncmd n1 PUB orders --id x again\ncmd n1 PUB orders --id x again\nexpect reply "OK duplicate x"');
    expect(res.filter((x) => x.status !== 'ok')).toEqual([]);
  });
});

describe('a setup with a cluster.yaml (config): its own node names', () => {
  const yaml = (ids: readonly string[]): string =>
    ['nodes:', ...ids.flatMap((id, i) => [`  - id: ${id}`, `    host: 10.0.${Math.floor(i / 250)}.${(i % 250) + 1}`, '    port: 9101'])].join('\n') + '\n';
  const config = (ids: readonly string[]): string => `config ${JSON.stringify(yaml(ids))}`;
  const NAMES = ['paris', 'london', 'berlin', 'rome', 'madrid'];

  it('checks and actions may name the config’s nodes, and the walk runs on them', () => {
    const c = load(
      chapter({
        setup: config(NAMES),
        steps: ['A leader.\n\n```scenario\nrun until leader within 2s\nlet old = leader\n```\n\n```check\nexpect leader\nexpect paris up\n```', 'London goes.\n\n```scenario\ncrash london\nrun 500ms\n```\n\n```check\nexpect london down\n```'],
      }),
    );
    expect(walkChapter(c).failures).toEqual([]);
  });

  it('a check naming a node the config lacks is refused when the chapter loads (n5 on a three-node cluster.yaml)', () => {
    expect(loadError(chapter({ setup: config(['n1', 'n2', 'n3']), steps: ['Up.\n\n```check\nexpect n5 up\n```'] }))).toMatch(/line \d+: unknown node 'n5' .*\(nodes: n1, n2, n3;/);
    expect(loadError(chapter({ setup: config(NAMES), steps: ['Up.\n\n```scenario\ncrash n1\n```'] }))).toMatch(/unknown node 'n1' .*\(nodes: paris, london,/);
  });

  it('placeholders count the config’s nodes: {{nodes}} and {{majority}} on a three-node cluster.yaml', () => {
    const c = load(chapter({ setup: config(['a', 'b', 'c']), intro: 'A majority is {{majority|word}} of {{nodes|word}}.' }));
    expect(c.intro).toBe('A majority is two of three.');
  });

  it('the step-length limit counts the config’s nodes (a 50-node cluster.yaml, like nodes 50)', () => {
    const fifty = Array.from({ length: 50 }, (_, i) => `b${i + 1}`);
    const long = ['Long.\n\n```scenario\nrun 1000s\n```'];
    expect(loadError(chapter({ setup: 'nodes 50', steps: long }))).toMatch(/1000 s of simulated time on 50 nodes/);
    expect(loadError(chapter({ setup: config(fifty), steps: long }))).toMatch(/1000 s of simulated time on 50 nodes/);
  });
});
