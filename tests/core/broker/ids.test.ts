// Behaviour of deterministic message ids: same inputs, same id; server-made and client-made ids never collide.
import { describe, it, expect } from 'vitest';
import { clientId, serverId } from '../../../src/core/broker/ids';
import { parseLine } from '../../../src/core/broker/protocol';

describe('message ids', () => {
  it('makes a server id from node, term and sequence, the same every time', () => {
    expect(serverId('n1', 3, 17)).toBe('n1-3-17');
    expect(serverId('n1', 3, 17)).toBe(serverId('n1', 3, 17));
    expect(serverId('n1', 3, 18)).not.toBe(serverId('n1', 3, 17));
    expect(serverId('n1', 4, 17)).not.toBe(serverId('n1', 3, 17));
  });

  it('makes a client id from client name and sequence', () => {
    expect(clientId('c2', 5)).toBe('c2:5');
  });

  it('keeps client ids apart from server ids even when names look alike', () => {
    const server = new Set<string>();
    for (const node of ['n1', 'n1-1', 'c1', 'c1:1']) {
      for (let term = 0; term < 4; term++) for (let seq = 0; seq < 4; seq++) server.add(serverId(node, term, seq));
    }
    for (const client of ['n1', 'n1-1', 'c1', 'c1:1', 'n1-1-1']) {
      for (let seq = 0; seq < 20; seq++) expect(server.has(clientId(client, seq))).toBe(false);
    }
  });

  it('makes ids that pass through PUB --id as one word', () => {
    for (const id of [serverId('n1', 2, 3), clientId('c1', 9)]) {
      expect(parseLine(`PUB t --id ${id} hello`)).toMatchObject({ kind: 'pub', id, message: 'hello' });
    }
  });
});
