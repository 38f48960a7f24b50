// Deterministic message ids made from their inputs, for a PUB that names none and for simulated publishers.

/**
 * The id a node gives a PUB without `--id`: `<nodeId>-<term>-<seq>`, e.g. `n1-3-17`.
 *
 * Unique as long as `(term, seq)` never repeats on that node. A counter kept in volatile memory does
 * NOT guarantee that: a node that crashes and restarts within the same term would reuse `n2-4-1`, and
 * dedup would then answer a new message with `OK duplicate`. Pass a sequence that survives restarts
 * and only grows, such as the node's Lamport stamp for the PUB event (persistent, strictly increasing).
 *
 * A client may pick an id of the same shape with `--id`; the dedup table cannot tell them apart, so
 * such a client's message counts as the duplicate of the server-made one (as in the original).
 */
export function serverId(nodeId: string, term: number, seq: number): string {
  return `${nodeId}-${term}-${seq}`;
}

/**
 * The id a simulated publisher gives its n-th message: `<clientId>:<seq>`, e.g. `c2:5`. For non-negative
 * integer sequences the ending (`:<digits>` against `-<digits>`) keeps client-made ids apart from
 * server-made ones (`n1-3-17`) whatever the names. The publisher makes the
 * id once and sends it with every retry, so dedup can drop the retries.
 */
export function clientId(client: string, seq: number): string {
  return `${client}:${seq}`;
}
