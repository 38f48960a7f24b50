// Argument checks of the headless API: a call with a bad argument throws at once, before anything is recorded or sent.
import { MAX_ID_LENGTH, MAX_LINE_LENGTH, MAX_TOPIC_LENGTH } from '../core/broker/protocol';

/**
 * A span of virtual time the caller asks for: a finite, non-negative number. Infinity would never
 * return, a negative span would move time backwards, and NaN would make `now` NaN.
 */
export function checkDuration(call: string, ms: unknown): void {
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
    throw new RangeError(`${call} needs a finite, non-negative number of ms (got ${String(ms)})`);
  }
}

function checkString(call: string, what: string, value: unknown): asserts value is string {
  if (typeof value !== 'string') throw new TypeError(`${call}: ${what} must be a string (got ${value === null ? 'null' : typeof value})`);
}

/** A protocol word (topic or id): non-empty, no whitespace, at most `max` characters. */
function checkWord(call: string, what: string, value: unknown, max: number): asserts value is string {
  checkString(call, what, value);
  if (value.length === 0 || /\s/.test(value)) throw new RangeError(`${call}: ${what} must be a non-empty word without spaces (got ${JSON.stringify(value)})`);
  if (value.length > max) throw new RangeError(`${call}: ${what} is ${value.length} characters long; the protocol allows at most ${max}`);
}

/** Client ids: short words, so they fit a log line and a share link. */
export const CLIENT_ID = /^[A-Za-z0-9_.:-]{1,32}$/;

export function checkClientId(call: string, id: unknown): asserts id is string {
  checkString(call, 'client', id);
  if (!CLIENT_ID.test(id)) throw new RangeError(`${call}: client id must be 1..32 letters, digits or _.:- (got ${JSON.stringify(id)})`);
}

export interface PublishOptions {
  id?: string;
  via?: string;
  client?: string;
}

/**
 * What the simulated publisher will send must be a valid PUB line, or the node answers with an
 * error the publisher retries for 10 s: so the same limits as the protocol's, checked here.
 * `idFor` gives the id the publisher will use when the caller names none (it counts toward the line).
 */
export function checkPublish(topic: unknown, message: unknown, options: unknown, idFor: (client: string) => string): PublishOptions {
  const call = 'publish';
  checkWord(call, 'topic', topic, MAX_TOPIC_LENGTH);
  checkString(call, 'message', message);
  if (/[\r\n]/.test(message)) throw new RangeError(`${call}: message must be one line (it holds a line break)`);
  if (message.trim().length === 0) throw new RangeError(`${call}: message must not be empty`);
  if (options !== undefined && (typeof options !== 'object' || options === null)) throw new TypeError(`${call}: options must be an object`);
  const o = (options ?? {}) as Record<string, unknown>;
  const clean: PublishOptions = {};
  if (o.id !== undefined) {
    checkWord(call, 'id', o.id, MAX_ID_LENGTH);
    clean.id = o.id;
  }
  if (o.via !== undefined) {
    checkString(call, 'via', o.via);
    clean.via = o.via;
  }
  if (o.client !== undefined) {
    checkClientId(call, o.client);
    clean.client = o.client;
  }
  const id = clean.id ?? idFor(clean.client ?? 'pub');
  const length = `PUB ${topic} --id ${id} ${message}`.length;
  if (length > MAX_LINE_LENGTH) {
    throw new RangeError(`${call}: the PUB line would be ${length} characters long; the protocol allows at most ${MAX_LINE_LENGTH}`);
  }
  return clean;
}

/** command(): the line is sent as typed (the node answers a bad one with an ERR line), but it must be a string. */
export function checkCommand(line: unknown, options: unknown): { client?: string } {
  checkString('command', 'line', line);
  if (options !== undefined && (typeof options !== 'object' || options === null)) throw new TypeError('command: options must be an object');
  const client = (options as { client?: unknown } | undefined)?.client;
  if (client === undefined) return {};
  checkClientId('command', client);
  return { client };
}

/** subscribe(): a topic the SUB line can carry, and an optional client. */
export function checkSubscribe(topic: unknown, options: unknown): { client?: string } {
  checkWord('subscribe', 'topic', topic, MAX_TOPIC_LENGTH);
  if (options !== undefined && (typeof options !== 'object' || options === null)) throw new TypeError('subscribe: options must be an object');
  const client = (options as { client?: unknown } | undefined)?.client;
  if (client === undefined) return {};
  checkClientId('subscribe', client);
  return { client };
}
