// What becomes of a message in flight if nothing changes before it arrives, in words (Coming up, the Inspector, the guide's table).
import type { InFlight } from '../sim';

type Ends = Pick<InFlight, 'from' | 'to' | 'lost' | 'cut'>;

/** The end of `m` that is disconnected (the sender if both are), given which nodes are connected. */
function disconnectedEnd(m: Ends, connected: (id: string) => boolean | undefined): string {
  return connected(m.from) === false || connected(m.to) !== false ? m.from : m.to;
}

/** Why `m` will be dropped when it arrives, in a few words ("partition", "n3 is down"…), or undefined. */
export function cutWords(m: Ends, connected: (id: string) => boolean | undefined): string | undefined {
  switch (m.cut) {
    case 'partition':
      return 'partition';
    case 'link':
      return 'link cut';
    case 'down':
      return `${m.to} is down`;
    case 'disconnected':
      return `${disconnectedEnd(m, connected)} is disconnected`;
    default:
      return undefined;
  }
}

/** A few words: "arrives", "will be lost", "will be dropped (partition)", "will be dropped (n3 is down)"… */
export function fateShort(m: Ends, connected: (id: string) => boolean | undefined): string {
  if (m.lost) return 'will be lost';
  const cut = cutWords(m, connected);
  return cut === undefined ? 'arrives' : `will be dropped (${cut})`;
}

/** The Inspector's sentence, with what would let it through; `copies` counts the network's duplicates too. */
export function fateLong(m: Ends, copies: number, connected: (id: string) => boolean | undefined): string {
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
      return `${dropped}${disconnectedEnd(m, connected)} is disconnected (unless it is reconnected first)`;
    default:
      return copies > 1 ? `duplicated (${copies} copies)` : 'will be delivered';
  }
}
