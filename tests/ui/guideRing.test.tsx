// @vitest-environment happy-dom
// The guide's ring draws at most 200 messages in flight, the soonest to arrive, and says how many more there are (a slow network held 73,000 dots: audit r7 inputs #3).
import { cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { createCluster } from '../../src/sim';
import { Ring } from '../../src/ui/guide/GuideCluster';
import { snapCluster } from '../../src/ui/guide/model';

afterEach(cleanup);

describe('the guide ring on a slow network', () => {
  it('draws the 200 soonest messages of thousands in flight and names the rest; a few are all drawn', () => {
    const c = createCluster({ seed: 3, nodes: 5, network: { latencyMs: [50_000, 60_000] } });
    c.runFor(30_000);
    const snap = snapCluster(c);
    expect(snap.inFlight.length, 'seed 3: a backlog of messages').toBeGreaterThan(1000);
    const { container } = render(<Ring snap={snap} />);
    const dots = container.querySelectorAll('svg.guide-ring circle.gmsg');
    expect(dots.length).toBe(200);
    expect(container.querySelector('.gmore')!.textContent).toBe(`+${(snap.inFlight.length - 200).toLocaleString('en-US')} more messages in flight (the soonest 200 are drawn)`);
    cleanup();
    const quiet = createCluster({ seed: 3, nodes: 5 });
    quiet.runFor(1000);
    const few = snapCluster(quiet);
    const r = render(<Ring snap={few} />);
    expect(r.container.querySelectorAll('svg.guide-ring circle.gmsg').length).toBe(few.inFlight.length);
    expect(r.container.querySelector('.gmore')).toBeNull();
  });
});
