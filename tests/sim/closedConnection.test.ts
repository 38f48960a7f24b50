// A segment of a client connection its receiver has already closed is delivered and thrown away: the journal notes it on the delivery, and the message in flight says so beforehand.
import { describe, expect, it } from 'vitest';
import { runScenario } from '../../src/sim/scenario';
import { CLOSED_CONNECTION } from '../../src/sim/types';

/** Chapter 10's "lost reply": the reply to pay-2 is on the wire when the connection is reset. */
const LOST_REPLY = (seed: number) => `seed ${seed}
run until leader within 2s
pub orders charge 10 EUR --id pay-1 --via leader --client shop
run until publish pay-1 ok within 5s
pub orders charge 20 EUR --id pay-2 --via leader --client shop
run until in-flight ClientReply to=shop within 2s
`;

describe('a reply on a closed connection', () => {
  it('is said to be thrown away while in flight, and its delivery carries the reason; the client retries and is answered (20 seeds)', () => {
    for (let seed = 1; seed <= 20; seed++) {
      const r = runScenario(LOST_REPLY(seed));
      expect(r.failure?.message, `seed ${seed}`).toBeUndefined();
      const c = r.runner.cluster;
      const node = c.leader()!;
      const reply = c.inFlight().find((m) => m.type === 'ClientReply' && m.to === 'shop')!;
      expect(reply.cut, `seed ${seed}: before the reset`).toBeUndefined();
      c.resetConnection('shop', node);
      const after = c.inFlight().find((m) => m.id === reply.id)!;
      expect(after.cut, `seed ${seed}: after the reset`).toBe('closed');
      c.runFor(3000);
      const delivered = c.journal().filter((e) => e.msgId === reply.id && e.kind !== 'send');
      expect(delivered.map((e) => [e.kind, e.detail]), `seed ${seed}`).toEqual([['deliver', CLOSED_CONNECTION]]);
      // Deliveries on open connections carry no such note, and the retry is answered.
      const open = c.journal().filter((e) => e.kind === 'deliver' && e.type === 'ClientReply' && e.msgId !== reply.id);
      expect(open.length, `seed ${seed}`).toBeGreaterThan(0);
      expect(open.every((e) => e.detail === undefined), `seed ${seed}`).toBe(true);
      c.runFor(10_000);
      expect(r.runner.check('publish pay-2 ok').ok, `seed ${seed}: the retry is answered`).toBe(true);
    }
  });
});
