// Lamport logical clock rules (tick on a local event or send, max+1 on receive) as plain number helpers.

/** The clock after a local event or a send; the send carries the returned value as its stamp. */
export function tick(lamport: number): number {
  return lamport + 1;
}

/** The clock after receiving a message stamped `stamp`: max(L, stamp) + 1, so it exceeds the stamp. */
export function receive(lamport: number, stamp: number): number {
  return (stamp > lamport ? stamp : lamport) + 1;
}
