// The words for a message's fate name the end that is disconnected, the receiver that is down, or the partition.
import { describe, expect, it } from 'vitest';
import { fateLong, fateShort } from '../../src/ui/messageFate';

const nodes = (off: string[]) => ['n1', 'n2', 'n3'].map((id) => ({ id, connected: !off.includes(id) }));

describe('a message’s fate in words', () => {
  it('names the disconnected end, the down receiver, the partition or the cut link; otherwise it arrives', () => {
    const m = { from: 'n1', to: 'n2', lost: false } as const;
    expect(fateShort({ ...m, cut: 'disconnected' }, nodes(['n2']))).toBe('will be dropped (n2 is disconnected)');
    expect(fateShort({ ...m, cut: 'disconnected' }, nodes(['n1']))).toBe('will be dropped (n1 is disconnected)');
    expect(fateShort({ ...m, cut: 'disconnected' }, nodes(['n1', 'n2']))).toBe('will be dropped (n1 is disconnected)');
    expect(fateShort({ ...m, cut: 'down' }, nodes([]))).toBe('will be dropped (n2 is down)');
    expect(fateShort({ ...m, cut: 'link' }, nodes([]))).toBe('will be dropped (link cut)');
    expect(fateShort({ ...m, lost: true, cut: 'partition' }, nodes([]))).toBe('will be lost');
    expect(fateShort(m, nodes([]))).toBe('arrives');
    expect(fateLong({ ...m, cut: 'disconnected' }, 1, nodes(['n2']))).toBe('will be dropped when it arrives: n2 is disconnected (unless it is reconnected first)');
    expect(fateLong(m, 2, nodes([]))).toBe('duplicated (2 copies)');
  });

  it('a segment of a closed connection arrives and is thrown away (nothing lets it through)', () => {
    const m = { from: 'n3', to: 'shop', lost: false, cut: 'closed' } as const;
    expect(fateShort(m, nodes([]))).toBe('arrives, to be thrown away (connection closed)');
    expect(fateLong(m, 1, nodes([]))).toBe('will arrive, but shop throws it away: it belongs to a connection shop has already closed (a reset, a crash or a disconnect), and a closed connection never opens again');
  });
});
