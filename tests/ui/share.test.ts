// @vitest-environment happy-dom
// Share links and run files: round trips, and hostile input refused with a clear message.
import { describe, expect, it } from 'vitest';
import { decodeHash, encodeHash, parseSaved, parseSavedText, pipe, savedRun, toBase64Url } from '../../src/store/share';
import { decodeLessonHash } from '../../src/ui/lesson/lessonFormat';

const good = savedRun({ seed: 7, nodes: 3 }, [{ at: 120, events: 40, op: 'crash', args: ['n1'] }, { at: 130.5, events: 44, op: 'propose', args: ['n2', 'x'] }], 200);

describe('share', () => {
  it('a run survives the link encoding exactly', async () => {
    const hash = await encodeHash(good);
    expect(hash).toMatch(/^#[zj]=[A-Za-z0-9_-]+$/);
    const back = await decodeHash(hash);
    expect(back).toEqual({ ok: true, saved: good });
  });

  it.each([
    ['not JSON', '{nope', /not JSON/],
    ['another format', JSON.stringify({ ...good, format: 'other' }), /format/],
    ['an unknown action', JSON.stringify({ ...good, actions: [{ at: 1, events: 1, op: 'rm -rf', args: [] }] }), /actions\[0\]/],
    ['a bad argument', JSON.stringify({ ...good, actions: [{ at: 1, events: 1, op: 'crash', args: [{ toString: 1 }] }] }), /actions\[0\]\.args/],
    ['actions out of order', JSON.stringify({ ...good, actions: [good.actions[1], good.actions[0]] }), /order/],
    ['a huge time', JSON.stringify({ ...good, t: 1e15 }), /^t: /],
    ['an extra key', JSON.stringify({ ...good, __proto__x: 1 }), /holds a field this page does not know \('__proto__x'\)/],
    ['another version', JSON.stringify({ ...good, version: 2 }), /made by another version of Wiber Sim \(this page reads version 1\)/],
    ['a cluster too big', JSON.stringify({ ...good, run: { seed: 1, nodes: 5000 } }), /run\.nodes/],
    ['rates out of range', JSON.stringify({ ...good, run: { seed: 1, network: { dropRate: 2 } } }), /dropRate/],
    // An edited workload whose schedule stands a minute behind the run: 120,000 publishes would go out at one instant.
    ['a workload schedule behind the run', JSON.stringify({ ...good, t: 60_000, workload: { config: { publishers: 20, rate: 100, topics: 10 }, startAt: 0, n: 0 } }), /^workload: its next message is due at 0 ms, before the run's time 60000 ms \(the link was edited or damaged\)$/],
  ])('a file with %s is refused with a message', (_what, text, message) => {
    const r = parseSavedText(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(message);
  });

  it('a run that added a node with a long host name survives the link; a longer host than addNode takes is refused by name', async () => {
    const withHost = (host: string) => savedRun({ seed: 7, nodes: 3 }, [{ at: 120, events: 40, op: 'addNode', args: [{ host, port: 9300 }] }], 200);
    const longest = withHost('h'.repeat(253));
    expect(await decodeHash(await encodeHash(longest))).toEqual({ ok: true, saved: longest });
    const r = parseSaved(JSON.parse(JSON.stringify(withHost('h'.repeat(254)))));
    expect(r).toMatchObject({ ok: false, error: expect.stringMatching(/^actions\[0\]\.args\[0\]\.host is too long \(the limit is 253 characters\)$/) });
  });

  it('a workload schedule where the page leaves it (its next message at the run\'s time or after) passes', () => {
    const spacing = 1000 / (100 * 20);
    const r = parseSaved({ ...good, t: 60_000, workload: { config: { publishers: 20, rate: 100, topics: 10 }, startAt: 1000, n: 59_000 / spacing } });
    expect(r.ok).toBe(true);
  });

  it('prototype keys in JSON do not pass through', () => {
    const r = parseSaved(JSON.parse('{"__proto__": {"polluted": true}, "format": "wiber-sim-run"}'));
    expect(r.ok).toBe(false);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('a damaged link is refused with a message', async () => {
    expect(await decodeHash('#z=!!!')).toMatchObject({ ok: false });
    expect(await decodeHash('#z=AAAA')).toMatchObject({ ok: false, error: expect.stringMatching(/damaged/) });
    expect(await decodeHash('#j=e30')).toMatchObject({ ok: false });
    expect(await decodeHash('#other')).toMatchObject({ ok: false });
  });

  it('a link that unpacks to far too much is refused as soon as it passes the limit, for runs and lessons alike', async () => {
    // 400 MB of spaces deflate to about 400 KB: inflated whole, it held the tab for seconds.
    const huge = new Uint8Array(400_000_000).fill(32);
    const packed = await pipe(huge, new CompressionStream('deflate-raw'));
    const body = toBase64Url(packed);
    expect(await decodeHash(`#z=${body}`)).toMatchObject({ ok: false, error: 'the link unpacks to too much data' });
    expect(await decodeLessonHash(`#lesson=z${body}`)).toMatchObject({ ok: false, error: 'the link unpacks to too much data' });
  });
});
