// Reads, validates and writes cluster.yaml, reporting the original Wiber's validation messages (with its defects fixed).
import { yaml } from './yaml';
// Loads the YAML parser for headless use. In the page's build this import is an empty module
// (vite.config.ts): the page loads the parser only when it reads or writes cluster.yaml text.
import './yamlEager';

/** A config the simulator refuses; the message begins with the spec's text so users of the original recognise it. */
/** What a node id may be (addNode takes the same): one word of letters, digits and _.:- (at most MAX_NODE_ID_CHARS). */
export const NODE_ID = /^[A-Za-z0-9_.:-]+$/;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** The largest cluster the simulator is sized for; a bigger one is rejected by name rather than left to crawl. */
export const MAX_NODES = 50;

/**
 * Keeps a huge paste or shared link from freezing the tab in the parser; real configs are a few hundred
 * characters (50 nodes with comments: under 10 KB). The YAML parser takes about 1 s per 100 KB on a
 * loaded laptop core (757 KB: 5.4 s, measured), so the limit is 100 KB.
 */
export const MAX_CONFIG_CHARS = 100_000;

/** Node ids are names people read on the ring, in sentences and tables: as long as `addNode` allows. */
export const MAX_NODE_ID_CHARS = 64;

/**
 * A host is a DNS name or an IP literal: a DNS name is at most 253 characters written out (RFC 1035 §2.3.4's
 * 255 octets on the wire), an IPv6 literal much less. Nothing a real host can be is refused; a pasted
 * paragraph is, before it reaches a label or a share link.
 */
export const MAX_HOST_CHARS = 253;

export interface NodeConfig {
  id: string;
  host: string;
  port: number;
  /** port + 1000, as the original derived it; only shown as a label, nothing listens on it. */
  rpcPort: number;
  /** port + 200, as the original derived it; only shown as a label. */
  syncPort: number;
}

export interface ClusterConfig {
  nodes: NodeConfig[];
}

const REQUIRED_FIELDS = ['id', 'host', 'port'] as const;

/** The time server's id on the bus (Cristian's algorithm asks it). */
export const TIME_SERVER_ID = 'time';

/**
 * Ids the simulator's own actors use on the bus: a node may not take one, or its messages and a
 * client's (or the time server's) would be indistinguishable. `pub`, `sub` and `console` are the
 * default publisher, subscriber and console clients; `wl1`… are the page's workload publishers.
 */
export function reservedIdOwner(id: string): string | undefined {
  if (id === TIME_SERVER_ID) return 'the time server';
  if (id === 'pub' || id === 'sub' || id === 'console' || /^wl\d+$/.test(id)) return 'a simulated client';
  return undefined;
}

function nodeConfig(id: string, host: string, port: number): NodeConfig {
  return { id, host, port, rpcPort: port + 1000, syncPort: port + 200 };
}

/**
 * Only plain objects count as mappings: YAML tags such as !!set or !!binary turn into Set or
 * Uint8Array, which are objects but not something we can read fields from.
 */
function isMapping(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

/** Two nodes' addresses are the same when this is (rule 9: host names are case-insensitive). */
export function addressKey(host: string, port: number): string {
  return formatAddress(host.toLowerCase(), port);
}

/** IPv6 literals need brackets, or `::1:9101` would read as a different address. */
export function formatAddress(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * The parser's message without its source snippet: the editor shows errors on one line, and the
 * `at line L, column C` part is what the user needs.
 */
function firstLine(message: string): string {
  const line = message.split('\n', 1)[0] ?? message;
  return line.replace(/:\s*$/, '');
}

function parseYaml(text: string): unknown {
  // Merge keys (`<<: *defaults`), as the original's yaml.safe_load reads them.
  const doc = yaml().parseDocument(text, { merge: true });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    // The library's own wording here tells the reader to call one of its functions.
    if (e.code === 'MULTIPLE_DOCS') throw new ConfigError(`cluster.yaml must be a single YAML document: remove the '---' at line ${e.linePos?.[0].line ?? '?'}`);
    throw new ConfigError(`Invalid YAML: ${firstLine(e.message)}`);
  }
  try {
    // toJS is where alias problems surface (an unknown anchor, or an alias bomb past maxAliasCount).
    return doc.toJS();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new ConfigError(`Invalid YAML: ${firstLine(message)}`);
  }
}

/**
 * Keys of a valid cluster.yaml that the simulator does not read (as the original, it ignores them):
 * named to the learner, since a misspelt or extra key would otherwise do nothing without a word.
 */
/** Why a cluster.yaml's other keys do nothing, as the Config tab and the lesson runner say it. */
export const CONFIG_KEYS_NOTE = 'cluster.yaml gives only the nodes: id, host, port';

/**
 * The note for a cluster.yaml with keys the simulator ignores (`whose`: "The lesson’s", "Step 2’s"…), as the page
 * and `npm run lesson` print it; undefined when it has none (or does not parse: its own error says so elsewhere).
 */
export function ignoredKeysNote(whose: string, text: string): string | undefined {
  let ignored: string[];
  try {
    ignored = ignoredConfigKeys(text);
  } catch {
    return undefined;
  }
  return ignored.length === 0 ? undefined : `${whose} cluster.yaml has keys the simulator ignores (${CONFIG_KEYS_NOTE}): ${ignored.join(', ')}.`;
}

export function ignoredConfigKeys(text: string): string[] {
  const root = parseYaml(text);
  if (!isMapping(root)) return [];
  const out = Object.keys(root).filter((k) => k !== 'nodes');
  const nodes = root.nodes;
  if (Array.isArray(nodes)) nodes.forEach((n: unknown, i) => isMapping(n) && out.push(...Object.keys(n).filter((k) => !REQUIRED_FIELDS.includes(k as never)).map((k) => `nodes[${i}].${k}`)));
  return out;
}

/** Parses cluster.yaml text and applies the spec's validation rules in their order. */
export function parseClusterConfig(text: string): ClusterConfig {
  if (text.length > MAX_CONFIG_CHARS) {
    throw new ConfigError(`Config too large: ${text.length} characters (limit ${MAX_CONFIG_CHARS})`);
  }
  // An empty (or comment-only, or `null`) document counts as {} so that it fails on rule 2, as in the original.
  const root = parseYaml(text) ?? {};

  // Rule 1.
  if (!isMapping(root)) throw new ConfigError('Top-level config must be a mapping');

  // Rule 2.
  const rawNodes = Object.hasOwn(root, 'nodes') ? root.nodes : undefined;
  if (!Array.isArray(rawNodes) || rawNodes.length === 0) {
    throw new ConfigError("Config must include a non-empty 'nodes' list");
  }

  // Rules 3–7 are per entry, so the first bad entry is the one reported, as in the original's loop.
  const nodes: NodeConfig[] = rawNodes.map((entry: unknown, i): NodeConfig => {
    const at = `nodes[${i}]`;
    if (!isMapping(entry)) throw new ConfigError(`Each node entry must be a mapping (${at})`);
    for (const field of REQUIRED_FIELDS) {
      if (!Object.hasOwn(entry, field)) {
        throw new ConfigError(`Node missing required field: ${field} (${at})`);
      }
    }
    const { id, host, port } = entry;
    if (!isNonEmptyString(id)) throw new ConfigError(`Node 'id' must be a non-empty string (${at}.id)`);
    if (id.length > MAX_NODE_ID_CHARS) throw new ConfigError(`Node 'id' must be at most ${MAX_NODE_ID_CHARS} characters, not ${id.length} (${at}.id)`);
    // The simulator's own rule on top of the original's: an id is one word that scenario lines, lessons and
    // the explorer can name ('a b', '<b>' or '#1' made runs whose recorded actions could not be replayed).
    if (!NODE_ID.test(id)) throw new ConfigError(`Node 'id' must be letters, digits or _.:- only (one word a scenario line can name), not '${id}' (${at}.id)`);
    const owner = reservedIdOwner(id);
    if (owner !== undefined) throw new ConfigError(`Node id '${id}' is reserved for ${owner} (${at}.id)`);
    if (!isNonEmptyString(host)) throw new ConfigError(`Node 'host' must be a non-empty string (${at}.host)`);
    if (host.length > MAX_HOST_CHARS) throw new ConfigError(`Node 'host' must be at most ${MAX_HOST_CHARS} characters (a DNS name's limit), not ${host.length} (${at}.host)`);
    // typeof first: the original accepted `true` as port 1 because Python's bool is an int.
    if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
      throw new ConfigError(`Node 'port' must be an integer in range 1..65535 (${at}.port)`);
    }
    // rpcPort may pass 65535 for high ports; it is a label only, so that is not an error.
    return nodeConfig(id, host, port);
  });

  // Rule 8.
  const firstById = new Map<string, number>();
  nodes.forEach((node, i) => {
    const first = firstById.get(node.id);
    if (first !== undefined) {
      throw new ConfigError(`Duplicate node id: ${node.id} (nodes[${first}] and nodes[${i}])`);
    }
    firstById.set(node.id, i);
  });

  // Rule 9: host names are case-insensitive, so `LOCALHOST` and `localhost` are the same address.
  const firstByAddress = new Map<string, NodeConfig>();
  for (const node of nodes) {
    const key = addressKey(node.host, node.port);
    const first = firstByAddress.get(key);
    if (first !== undefined) {
      throw new ConfigError(
        `Duplicate node address: ${formatAddress(node.host, node.port)} (${first.id} and ${node.id})`,
      );
    }
    firstByAddress.set(key, node);
  }
  if (nodes.length > MAX_NODES) {
    throw new ConfigError(`Too many nodes: ${nodes.length} (the simulator supports at most ${MAX_NODES})`);
  }

  return { nodes };
}

/** The cluster the simulator starts with when no file is given: n1..nN on consecutive local ports. */
export function generatedConfig(n: number): ClusterConfig {
  if (!Number.isInteger(n) || n < 1 || n > MAX_NODES) {
    throw new ConfigError(`Cluster size must be an integer in 1..${MAX_NODES}`);
  }
  const nodes: NodeConfig[] = [];
  for (let i = 1; i <= n; i++) nodes.push(nodeConfig(`n${i}`, '127.0.0.1', 9101 + i - 1));
  return { nodes };
}

/**
 * cluster.yaml text for the editor. Derived ports are left out because the file format has no
 * place for them; the yaml stringifier quotes ids such as "123" or "null" so they read back as strings.
 */
export function configToYaml(config: ClusterConfig): string {
  return yaml().stringify({ nodes: config.nodes.map(({ id, host, port }) => ({ id, host, port })) });
}
