// The Wiber client line protocol: parses one client line into a typed command or an error reply, and formats the server's reply lines.
import type { TopicRecord } from './state';

// ---------------------------------------------------------------------------------------------
// Limits. A line that breaks one gets the error named here and changes nothing.
// ---------------------------------------------------------------------------------------------

/**
 * Longest accepted line: 65,536 UTF-16 code units (64 Ki characters; string `.length`), not counting
 * one trailing line terminator (`\n`, `\r\n` or `\r`). Longer lines get `ERR too_long`. This is what
 * bounds a message's size.
 */
export const MAX_LINE_LENGTH = 65_536;
/** Longest topic name (code units); longer gets `ERR topic_too_long` (PUB, HISTORY and SUB). */
export const MAX_TOPIC_LENGTH = 128;
/** Longest `--id` (code units); longer gets `ERR id_too_long`. */
export const MAX_ID_LENGTH = 128;

// ---------------------------------------------------------------------------------------------
// Replies. Texts from the spec, plus the four limit errors this module adds (marked "added").
// ---------------------------------------------------------------------------------------------

export const PONG = 'PONG';
export const OK_BYE = 'OK bye';
export const OK_HISTORY_END = 'OK history_end';
export const ERR_USAGE_PUB = 'ERR usage: PUB <topic> <message> | PUB <topic> --id <id> <message>';
export const ERR_USAGE_HISTORY = 'ERR usage: HISTORY <topic> <n>';
/** Added: `SUB` with no topic or more than one word. */
export const ERR_USAGE_SUB = 'ERR usage: SUB <topic>';
export const ERR_N_MUST_BE_INT = 'ERR n_must_be_int';
/**
 * Added: `HISTORY <topic> <n>` with a negative n. The original (notdulain/wiber,
 * src/replication/log.py `read_last`: `if n <= 0: return []`) answered it with just
 * `OK history_end`, as if the topic were empty. The spec's HISTORY returns "the last n records",
 * which a negative count cannot mean, so the simulator says so instead of answering nothing.
 */
export const ERR_N_NEGATIVE = 'ERR n_must_be_non_negative';
/** A follower that knows no leader. */
export const ERR_NOT_LEADER = 'ERR not_leader';
/** A PUB not committed within 2 s. */
export const ERR_TIMEOUT_WAITING_COMMIT = 'ERR timeout_waiting_commit';
/**
 * Added (safe reads, §8): with reads 'readIndex' or 'lease', a HISTORY whose leader could not confirm
 * its leadership with a majority (or whose read index was not applied) in time. Never stale data.
 */
export const ERR_READ_TIMEOUT = 'ERR read_timeout';
/** The node is down. */
export const ERR_UNAVAILABLE = 'ERR unavailable';
export const ERR_UNKNOWN = 'ERR unknown';
/** Added: the line is longer than `MAX_LINE_LENGTH`. */
export const ERR_TOO_LONG = 'ERR too_long';
/** Added: the topic is longer than `MAX_TOPIC_LENGTH`. */
export const ERR_TOPIC_TOO_LONG = 'ERR topic_too_long';
/** Added: the id is longer than `MAX_ID_LENGTH`. */
export const ERR_ID_TOO_LONG = 'ERR id_too_long';
/**
 * Added: a `\n` or `\r` inside the line (other than one terminator). A message cannot hold a line
 * break, because every reply, HISTORY and MSG line must stay one line.
 */
export const ERR_LINE_BREAK = 'ERR line_break';

export const okPublished = (id: string): string => `OK published ${id}`;
export const okDuplicate = (id: string): string => `OK duplicate ${id}`;
export const okRedirected = (id: string): string => `OK REDIRECTED ${id}`;
export const redirect = (node: string): string => `REDIRECT ${node}`;
export const okSubscribed = (topic: string): string => `OK subscribed ${topic}`;

// ---------------------------------------------------------------------------------------------
// Parsing.
// ---------------------------------------------------------------------------------------------

export type Command =
  | { readonly kind: 'ping' }
  | { readonly kind: 'quit' }
  /** `id` is undefined when the client gave none; the server then makes one (see ids.ts). */
  | { readonly kind: 'pub'; readonly topic: string; readonly id: string | undefined; readonly message: string }
  /** A non-negative integer; `0` asks for no records (the reply is just `OK history_end`). */
  | { readonly kind: 'history'; readonly topic: string; readonly n: number }
  | { readonly kind: 'sub'; readonly topic: string };

/** A bad line: `reply` is the one line to send back. */
export interface ParseError {
  readonly kind: 'error';
  readonly reply: string;
}

export type ParseResult = Command | ParseError;

const error = (reply: string): ParseError => Object.freeze({ kind: 'error', reply });
const E_USAGE_PUB = error(ERR_USAGE_PUB);
const E_USAGE_HISTORY = error(ERR_USAGE_HISTORY);
const E_USAGE_SUB = error(ERR_USAGE_SUB);
const E_N_MUST_BE_INT = error(ERR_N_MUST_BE_INT);
const E_N_NEGATIVE = error(ERR_N_NEGATIVE);
const E_UNKNOWN = error(ERR_UNKNOWN);
const E_TOO_LONG = error(ERR_TOO_LONG);
const E_TOPIC_TOO_LONG = error(ERR_TOPIC_TOO_LONG);
const E_ID_TOO_LONG = error(ERR_ID_TOO_LONG);
const E_LINE_BREAK = error(ERR_LINE_BREAK);
const PING: Command = Object.freeze({ kind: 'ping' });
const QUIT: Command = Object.freeze({ kind: 'quit' });

const SPACE = 32;
const LF = 10;
const CR = 13;

/**
 * Parses one client line. The rules, from the spec plus the choices documented here:
 *
 * - One trailing terminator (`\n`, `\r\n`, `\r`) is dropped; any other `\n`/`\r` → `ERR line_break`.
 *   Longer than `MAX_LINE_LENGTH` → `ERR too_long` (checked first).
 * - Leading whitespace is ignored for every command.
 * - `PING` and `QUIT` are case-insensitive (ASCII) and may have whitespace around them; anything
 *   else on the line → `ERR unknown`.
 * - `PUB`, `HISTORY` and `SUB` are upper case and followed by a space (`pub t m`, `PUBX` →
 *   `ERR unknown`). The bare word alone (`PUB`, `HISTORY`, `SUB`) gets that command's usage error.
 * - Words (topic, `--id`, id, n) are separated by one or more spaces (U+0020 only).
 * - PUB: the message is everything after the ONE space that follows the topic (or the id), kept
 *   verbatim — internal, leading-extra and trailing spaces included — so `PUB <t> <message>` round
 *   trips any message without line breaks. A missing or whitespace-only message → usage error.
 *   `--id` is the flag only as a whole word right after the topic (`--idx` starts a message).
 * - HISTORY takes exactly two words; n must match `[+-]?[0-9]+` else `ERR n_must_be_int`; a
 *   negative n → `ERR n_must_be_non_negative`; n beyond 2^53 is clamped; n = 0 asks for no records.
 *   SUB takes exactly one word.
 * - Length checks of topic and id come after the usage checks, before the n check.
 */
export function parseLine(raw: string): ParseResult {
  let end = raw.length;
  if (end > 0 && raw.charCodeAt(end - 1) === LF) end--;
  if (end > 0 && raw.charCodeAt(end - 1) === CR) end--;
  if (end > MAX_LINE_LENGTH) return E_TOO_LONG;
  const line = end === raw.length ? raw : raw.slice(0, end);
  if (line.indexOf('\n') !== -1 || line.indexOf('\r') !== -1) return E_LINE_BREAK;

  const s = line.trimStart();
  if (s.startsWith('PUB ')) return parsePub(s);
  if (s.startsWith('HISTORY ')) return parseHistory(s);
  if (s.startsWith('SUB ')) return parseSub(s);

  const word = s.trimEnd();
  if (word.length === 4) {
    if (equalsIgnoreAsciiCase(word, 'ping')) return PING;
    if (equalsIgnoreAsciiCase(word, 'quit')) return QUIT;
  }
  if (word === 'PUB') return E_USAGE_PUB;
  if (word === 'HISTORY') return E_USAGE_HISTORY;
  if (word === 'SUB') return E_USAGE_SUB;
  return E_UNKNOWN;
}

function parsePub(s: string): ParseResult {
  const len = s.length;
  const topicStart = skipSpaces(s, 4);
  const topicEnd = wordEnd(s, topicStart);
  // No topic, or a topic with nothing after it.
  if (topicEnd === topicStart || topicEnd === len) return E_USAGE_PUB;

  let id: string | undefined;
  let messageStart = topicEnd + 1;
  const flag = skipSpaces(s, topicEnd);
  if (s.startsWith('--id', flag) && (flag + 4 === len || s.charCodeAt(flag + 4) === SPACE)) {
    const idStart = skipSpaces(s, flag + 4);
    const idEnd = wordEnd(s, idStart);
    if (idEnd === idStart || idEnd === len) return E_USAGE_PUB;
    id = s.slice(idStart, idEnd);
    messageStart = idEnd + 1;
  }

  const message = s.slice(messageStart);
  if (message.trim().length === 0) return E_USAGE_PUB;
  if (topicEnd - topicStart > MAX_TOPIC_LENGTH) return E_TOPIC_TOO_LONG;
  if (id !== undefined && id.length > MAX_ID_LENGTH) return E_ID_TOO_LONG;
  return { kind: 'pub', topic: s.slice(topicStart, topicEnd), id, message };
}

function parseHistory(s: string): ParseResult {
  const words = splitWords(s, 8);
  if (words.length !== 2) return E_USAGE_HISTORY;
  const [topic, nText] = words;
  if (topic.length > MAX_TOPIC_LENGTH) return E_TOPIC_TOO_LONG;
  if (!/^[+-]?[0-9]+$/.test(nText)) return E_N_MUST_BE_INT;
  const n = Number(nText);
  if (n < 0) return E_N_NEGATIVE;
  const clamped = Math.min(Number.MAX_SAFE_INTEGER, n);
  return { kind: 'history', topic, n: clamped === 0 ? 0 : clamped }; // no -0 for "-0"
}

function parseSub(s: string): ParseResult {
  const words = splitWords(s, 4);
  if (words.length !== 1) return E_USAGE_SUB;
  if (words[0].length > MAX_TOPIC_LENGTH) return E_TOPIC_TOO_LONG;
  return { kind: 'sub', topic: words[0] };
}

function skipSpaces(s: string, i: number): number {
  while (i < s.length && s.charCodeAt(i) === SPACE) i++;
  return i;
}

function wordEnd(s: string, i: number): number {
  while (i < s.length && s.charCodeAt(i) !== SPACE) i++;
  return i;
}

/** Space-separated words of `s` from `from`, ignoring trailing whitespace. */
function splitWords(s: string, from: number): string[] {
  const t = s.trimEnd();
  const words: string[] = [];
  let i = skipSpaces(t, from);
  while (i < t.length) {
    const e = wordEnd(t, i);
    words.push(t.slice(i, e));
    i = skipSpaces(t, e);
  }
  return words;
}

/** `lower` must be ASCII lower case; ASCII-only so e.g. a Turkish dotless ı never matches `i`. */
function equalsIgnoreAsciiCase(s: string, lower: string): boolean {
  for (let i = 0; i < lower.length; i++) {
    const c = s.charCodeAt(i);
    const folded = c >= 65 && c <= 90 ? c + 32 : c;
    if (folded !== lower.charCodeAt(i)) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Record lines.
// ---------------------------------------------------------------------------------------------

/**
 * A timestamp as it appears in HISTORY and MSG lines: whole milliseconds, `Math.round` (halves round
 * up, toward +∞), no exponent for any clock value, and never `-0`. Records keep the exact value.
 */
export function formatTs(ms: number): string {
  const r = Math.round(ms);
  return r === 0 ? '0' : String(r);
}

/** `HISTORY <topic> <id> <offset> <ts> <corrected_ts> <lamport> <message>`; the message verbatim. */
export function formatHistoryLine(topic: string, record: TopicRecord): string {
  return `HISTORY ${recordFields(topic, record)}`;
}

/** `MSG <topic> <id> <offset> <ts> <corrected_ts> <lamport> <message>`; the message verbatim. */
export function formatMsgLine(topic: string, record: TopicRecord): string {
  return `MSG ${recordFields(topic, record)}`;
}

function recordFields(topic: string, r: TopicRecord): string {
  return `${topic} ${r.id} ${r.offset} ${formatTs(r.ts)} ${formatTs(r.correctedTs)} ${r.lamport} ${r.message}`;
}

/** The whole HISTORY reply: one line per record (pass them oldest first), then `OK history_end`. */
export function formatHistoryReply(topic: string, records: readonly TopicRecord[]): string[] {
  const lines = new Array<string>(records.length + 1);
  for (let i = 0; i < records.length; i++) lines[i] = formatHistoryLine(topic, records[i]);
  lines[records.length] = OK_HISTORY_END;
  return lines;
}

/** A HISTORY or MSG line read back (what a client sees): timestamps as formatted, i.e. whole ms. */
export interface RecordLine {
  readonly kind: 'history' | 'msg';
  readonly topic: string;
  readonly record: TopicRecord;
}

/**
 * Reads a line made by `formatHistoryLine` or `formatMsgLine`; undefined for any other line. Fields
 * are split on single spaces, so the message comes back exactly as stored.
 */
export function parseRecordLine(line: string): RecordLine | undefined {
  let kind: RecordLine['kind'];
  let i: number;
  if (line.startsWith('HISTORY ')) {
    kind = 'history';
    i = 8;
  } else if (line.startsWith('MSG ')) {
    kind = 'msg';
    i = 4;
  } else {
    return undefined;
  }
  const fields: string[] = [];
  for (let f = 0; f < 6; f++) {
    const e = line.indexOf(' ', i);
    if (e <= i) return undefined;
    fields.push(line.slice(i, e));
    i = e + 1;
  }
  const [topic, id, offsetText, tsText, correctedText, lamportText] = fields;
  const offset = Number(offsetText);
  const ts = Number(tsText);
  const correctedTs = Number(correctedText);
  const lamport = Number(lamportText);
  if (!Number.isInteger(offset) || !Number.isFinite(ts) || !Number.isFinite(correctedTs) || !Number.isInteger(lamport)) {
    return undefined;
  }
  return { kind, topic, record: { id, offset, ts, correctedTs, lamport, message: line.slice(i) } };
}
