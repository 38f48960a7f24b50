// What becomes of a message in flight if nothing changes before it arrives, in words (Coming up, the Inspector, the guide's table).
import type { InFlight } from '../sim';

type Ends = Pick<InFlight, 'from' | 'to' | 'lost' | 'cut'>;
/** The nodes as the page shows them: which are connected. */
type Nodes = ReadonlyArray<{ readonly id: string; readonly connected: boolean }>;

/** The end of `m` that is disconnected (the sender if both are). */
function disconnectedEnd(m: Ends, nodes: Nodes): string {
  return nodes.some((v) => v.id === m.to && !v.connected) && !nodes.some((v) => v.id === m.from && !v.connected) ? m.to : m.from;
}

/** Why `m` will be dropped when it arrives, in a few words ("partition", "n3 is down"…), or undefined. */
export function cutWords(m: Ends, nodes: Nodes): string | undefined {
  switch (m.cut) {
    case 'partition':
      return 'partition';
    case 'link':
      return 'link cut';
    case 'down':
      return `${m.to} is down`;
    case 'disconnected':
      return `${disconnectedEnd(m, nodes)} is disconnected`;
    case 'closed':
      return 'connection closed';
    default:
      return undefined;
  }
}

/** A few words: "arrives", "will be lost", "will be dropped (partition)", "will be dropped (n3 is down)"… */
export function fateShort(m: Ends, nodes: Nodes): string {
  if (m.lost) return 'will be lost';
  const cut = cutWords(m, nodes);
  if (m.cut === 'closed') return `arrives, to be thrown away (${cut})`;
  return cut === undefined ? 'arrives' : `will be dropped (${cut})`;
}

/** The Inspector's sentence, with what would let it through; `copies` counts the network's duplicates too. */
export function fateLong(m: Ends, copies: number, nodes: Nodes): string {
  if (m.lost) return 'will be lost by the network';
  const dropped = 'will be dropped when it arrives: ';
  switch (m.cut) {
    case 'partition':
      return `${dropped}${m.from} and ${m.to} are on different sides of the partition (unless it is healed first)`;
    case 'link':
      return `${dropped}the link ${m.from}→${m.to} is cut (unless it is healed first)`;
    case 'down':
      return `${dropped}${m.to} is down (unless it restarts first)`;
    case 'disconnected':
      return `${dropped}${disconnectedEnd(m, nodes)} is disconnected (unless it is reconnected first)`;
    case 'closed':
      return `will arrive, but ${m.to} throws it away: it belongs to a connection ${m.to} has already closed (a reset, a crash or a disconnect), and a closed connection never opens again`;
    default:
      return copies > 1 ? `duplicated (${copies} copies)` : 'will be delivered';
  }
}
