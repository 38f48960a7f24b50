import { it } from 'vitest';
import { sweepSeed } from './sweep.test';
import type { Cluster } from '../../src/sim/index';
it('debug', () => {
  let c!: Cluster;
  try { sweepSeed(Number(process.env.DSEED), {}, (x) => (c = x)); } catch (e) {
    console.log(String(e).slice(0, 300));
    const sc = c as any;
    console.log('pending', JSON.stringify(c.pendingChanges()), 'members', c.members(), 'nodeIds', c.nodeIds);
    for (const id of c.nodeIds) { const v = c.node(id); console.log(id, v.role, v.term, 'members', v.members, 'learners', v.learners, 'commit', v.commitIndex, 'snap', v.snapshot?.lastIncludedIndex, 'up', v.up, 'conn', v.connected); }
    const j = c.journal().filter((e) => ['membership','addNode','removed','config','configCommitted','crash','restart','stepDown','transfer','restore','removeNode','heal','partition','disconnect','reconnect'].includes(e.kind) || (e.kind==='role'));
    console.log(j.slice(-80).map((e) => `${e.at.toFixed(1)} ${e.kind} ${e.node ?? ''} ${e.type ?? ''} ${e.role ?? ''} t${e.term ?? ''} ${e.detail ?? ''}`).join('\n'));
  }
});
