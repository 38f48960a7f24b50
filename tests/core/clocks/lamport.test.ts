// Unit tests of the Lamport rules and of vector clocks' happened-before relation.
import { describe, it, expect } from 'vitest';
import { receive, tick } from '../../../src/core/clocks/lamport';
import { happenedBefore, vectorCompare, vectorCreate, vectorReceive, vectorTick } from '../../../src/core/clocks/vector';

describe('Lamport clock', () => {
  it('tick adds one for a local event or a send', () => {
    expect(tick(0)).toBe(1);
    expect(tick(41)).toBe(42);
  });

  it('receive takes max(L, stamp) + 1, so the clock exceeds the stamp (clock condition)', () => {
    expect(receive(3, 10)).toBe(11);
    expect(receive(10, 3)).toBe(11);
    expect(receive(5, 5)).toBe(6);
  });

  it('a send–receive chain across three nodes keeps stamps strictly increasing', () => {
    let a = 0;
    let b = 7;
    let c = 2;
    a = tick(a); // a sends to b with stamp a
    b = receive(b, a);
    b = tick(b); // b sends to c
    const stamp = b;
    c = receive(c, stamp);
    expect(a).toBeLessThan(b);
    expect(stamp).toBeLessThan(c);
  });
});

describe('vector clocks', () => {
  it('a send happened before its receipt', () => {
    const p = vectorCreate(2);
    const q = vectorCreate(2);
    vectorTick(p, 0);
    const stamp = p.slice();
    vectorReceive(q, stamp, 1);
    expect(q).toEqual([1, 1]);
    expect(vectorCompare(stamp, q)).toBe('before');
    expect(vectorCompare(q, stamp)).toBe('after');
    expect(happenedBefore(stamp, q)).toBe(true);
  });

  it('events on different nodes with no message between them are concurrent', () => {
    const p = vectorCreate(3);
    const q = vectorCreate(3);
    vectorTick(p, 0);
    vectorTick(q, 1);
    expect(vectorCompare(p, q)).toBe('concurrent');
    expect(happenedBefore(p, q)).toBe(false);
    expect(vectorCompare(p, p.slice())).toBe('equal');
  });
});
