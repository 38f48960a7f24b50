// Session dedup in the replicated broker state (Raft paper §8, Ongaro's thesis §6.3): a publisher's request, by its serial number, is applied once however late a retry comes.
import { describe, expect, it } from 'vitest';
import { apply, createBrokerState, history, isPubCommand, lookupSession, pubCommand, type SessionStamp } from '../../../src/core/broker/state';

const pub = (id: string, session?: SessionStamp) => pubCommand('t', id, `m-${id}`, 1, 1, 1, session);

describe('sessions', () => {
  it('a retry of (client, seq) is a duplicate with the original offset, even when its id has long left the window', () => {
    const s = createBrokerState({ dedup: 'sessions', dedupWindow: 1 });
    expect(apply(s, 1, pub('a', { client: 'c', seq: 1, done: 1 }))).toMatchObject({ kind: 'stored' });
    apply(s, 2, pub('b', { client: 'c', seq: 2, done: 1 }));
    apply(s, 3, pub('x'));
    expect(apply(s, 4, pub('a', { client: 'c', seq: 1, done: 1 }))).toEqual({ kind: 'duplicate', topic: 't', id: 'a', offset: 1 });
    expect(lookupSession(s, { client: 'c', seq: 2, done: 1 })).toEqual({ topic: 't', offset: 2 });
    expect(history(s, 't').map((r) => r.id)).toEqual(['a', 'b', 'x']);
  });

  it('forgets the replies the client is done with, and takes a late copy of one of those for a duplicate (outcome no longer asked for)', () => {
    const s = createBrokerState({ dedup: 'sessions', dedupWindow: 0 });
    apply(s, 1, pub('a', { client: 'c', seq: 1, done: 1 }));
    apply(s, 2, pub('b', { client: 'c', seq: 2, done: 2 }));
    expect(s.sessions!.get('c')!.replies.has(1)).toBe(false);
    expect(apply(s, 3, pub('a', { client: 'c', seq: 1, done: 1 }))).toEqual({ kind: 'duplicate', topic: 't', id: 'a', offset: undefined });
    expect(history(s, 't')).toHaveLength(2);
  });

  it('is rebuilt identically by re-applying the log (a restarted node, a new leader)', () => {
    const log = [pub('a', { client: 'c', seq: 1, done: 1 }), pub('b', { client: 'd', seq: 1, done: 1 }), pub('a', { client: 'c', seq: 1, done: 1 })];
    const one = createBrokerState({ dedup: 'sessions' });
    const two = createBrokerState({ dedup: 'sessions' });
    log.forEach((c, i) => apply(one, i + 1, c));
    log.forEach((c, i) => apply(two, i + 1, c));
    expect(two.sessions).toEqual(one.sessions);
    expect(history(two, 't')).toEqual(history(one, 't'));
  });

  it('without session dedup the stamp is ignored (window only), and a malformed stamp makes the command not a publish', () => {
    const s = createBrokerState({ dedupWindow: 1 });
    apply(s, 1, pub('a', { client: 'c', seq: 1, done: 1 }));
    apply(s, 2, pub('x'));
    expect(apply(s, 3, pub('a', { client: 'c', seq: 1, done: 1 }))).toMatchObject({ kind: 'stored' });
    expect(isPubCommand({ ...pubCommand('t', 'a', 'm', 1, 1, 1), session: { client: 'c', seq: 'one', done: 1 } })).toBe(false);
  });
});
