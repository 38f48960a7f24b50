// The README's examples run as written: the code blocks are read from README.md itself; docs/protocol.md's transcript and docs/time.md's clock figures are what their scripts print.
import { readFileSync } from 'node:fs';
import { transformSync } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { createCluster } from '../../src/sim';
import { runScenario } from '../../src/sim/scenario';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const blocks = [...readme.matchAll(/```(\w*)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1], text: m[2] }));

describe('the README', () => {
  it('shows the two set-up commands', () => {
    expect(readme).toContain('npm install && npm run dev');
    expect(readme).toContain('npm test');
  });

  it('has a scenario example that runs and whose expectations hold', () => {
    const scenario = blocks.find((b) => b.lang === '' && b.text.startsWith('seed '));
    expect(scenario).toBeDefined();
    const result = runScenario(scenario!.text);
    expect(result.failure?.message, 'README scenario').toBeUndefined();
    expect(result.ok).toBe(true);
  });

  it('headless example: a proposal on the leader commits everywhere', () => {
    const c = createCluster({ seed: 42, nodes: 5, network: { latencyMs: [5, 15], dropRate: 0.05 } });
    expect(c.runUntil(() => c.leader() !== undefined, 2000)).toBe(true);
    const { index } = c.propose(c.leader()!, 'hello')!;
    c.runFor(200);
    expect(c.nodeIds.map((id) => c.node(id).commitIndex >= index)).toEqual([true, true, true, true, true]);
  });

  it('messaging example: raw PUB, publisher and subscriber all work', () => {
    const c = createCluster({ seed: 7 });
    c.runFor(1000);
    const h = c.command(c.leader()!, 'PUB orders --id o-1 first order');
    c.command('n2', 'SUB orders', { client: 's1' });
    c.runFor(50);
    const p = c.publish('orders', 'second', { client: 'p1' });
    c.runFor(500);
    expect(h.lines).toEqual(['OK published o-1']);
    expect(p.status).toBe('ok');
    expect(c.history('n3', 'orders').map((r) => r.message)).toEqual(['first order', 'second']);
    expect(c.clientLog('s1').some((l) => l.line.startsWith('MSG orders'))).toBe(true);
  });
});

describe('docs/protocol.md', () => {
  it('its transcript is exactly what the script under it prints (regenerate it with that script after a change to the engine)', () => {
    const doc = readFileSync(new URL('../../docs/protocol.md', import.meta.url), 'utf8');
    const section = doc.slice(doc.indexOf('## A transcript'));
    const printed = /```\n([\s\S]*?)```/.exec(section)![1];
    const script = /```ts\n([\s\S]*?)```/.exec(section)![1];
    expect(script).toContain("import { createCluster } from './src/sim/index';");
    const js = transformSync(script.replace("import { createCluster } from './src/sim/index';", ''), { loader: 'ts' }).code;
    const out: string[] = [];
    new Function('createCluster', 'console', js)(createCluster, { log: (line: string) => out.push(line) });
    expect(out.join('\n') + '\n').toBe(printed);
  });
});

describe('docs/time.md', () => {
  it('its measured clock-sync figures are exactly what the script at its end prints (rerun it after a change to the engine)', { timeout: 120_000 }, async () => {
    const doc = readFileSync(new URL('../../docs/time.md', import.meta.url), 'utf8');
    const measured = doc.slice(doc.indexOf('### Measured (20 seeds'));
    const printed = /```\n([\s\S]*?)```/.exec(measured)![1];
    const rerun = doc.slice(doc.indexOf('## Rerun the figures'));
    const script = /```ts\n([\s\S]*?)```/.exec(rerun)![1];
    // The clock part only: the failure-detector figures after it are the bench's, printed by `npm run bench`.
    const clocks = script.slice(0, script.indexOf('// Failure detector figures'));
    const imports = "import { createCluster, type Cluster, type NodeView } from './src/sim/index';\nimport { detectorQuality, featureCost } from './bench/features';\n";
    expect(clocks.startsWith(`// Clock-sync and failure-detector figures for docs/time.md. Run from the repo root: npx tsx time-figures.ts\n${imports}`)).toBe(true);
    const js = transformSync(clocks.replace(imports, ''), { loader: 'ts' }).code;
    const out: string[] = [];
    new Function('createCluster', 'console', js)(createCluster, { log: (line: string) => out.push(line) });
    const from = out.findIndex((l) => l.startsWith('setting '));
    expect(out.slice(from).join('\n') + '\n').toBe(printed);
  });
});
