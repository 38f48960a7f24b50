// Behaviour of the Wiber client line protocol: every command, reply and error of the spec, and the documented limits.
import { describe, it, expect } from 'vitest';
import {
  ERR_ID_TOO_LONG,
  ERR_LINE_BREAK,
  ERR_N_MUST_BE_INT,
  ERR_NOT_LEADER,
  ERR_TIMEOUT_WAITING_COMMIT,
  ERR_TOO_LONG,
  ERR_TOPIC_TOO_LONG,
  ERR_UNAVAILABLE,
  ERR_UNKNOWN,
  ERR_USAGE_HISTORY,
  ERR_USAGE_PUB,
  ERR_USAGE_SUB,
  MAX_ID_LENGTH,
  MAX_LINE_LENGTH,
  MAX_TOPIC_LENGTH,
  OK_BYE,
  OK_HISTORY_END,
  PONG,
  formatHistoryLine,
  formatHistoryReply,
  formatMsgLine,
  formatTs,
  okDuplicate,
  okPublished,
  okRedirected,
  okSubscribed,
  parseLine,
  parseRecordLine,
  redirect,
} from '../../../src/core/broker/protocol';
import type { TopicRecord } from '../../../src/core/broker/state';

const err = (reply: string) => ({ kind: 'error', reply });

describe('reply texts are exactly the spec', () => {
  it('uses the spec texts for fixed replies and errors', () => {
    expect(PONG).toBe('PONG');
    expect(OK_BYE).toBe('OK bye');
    expect(OK_HISTORY_END).toBe('OK history_end');
    expect(ERR_USAGE_PUB).toBe('ERR usage: PUB <topic> <message> | PUB <topic> --id <id> <message>');
    expect(ERR_USAGE_HISTORY).toBe('ERR usage: HISTORY <topic> <n>');
    expect(ERR_USAGE_SUB).toBe('ERR usage: SUB <topic>');
    expect(ERR_N_MUST_BE_INT).toBe('ERR n_must_be_int');
    expect(ERR_NOT_LEADER).toBe('ERR not_leader');
    expect(ERR_TIMEOUT_WAITING_COMMIT).toBe('ERR timeout_waiting_commit');
    expect(ERR_UNAVAILABLE).toBe('ERR unavailable');
    expect(ERR_UNKNOWN).toBe('ERR unknown');
  });

  it('builds the replies that carry an id, a node or a topic', () => {
    expect(okPublished('n1-2-3')).toBe('OK published n1-2-3');
    expect(okDuplicate('abc')).toBe('OK duplicate abc');
    expect(okRedirected('abc')).toBe('OK REDIRECTED abc');
    expect(redirect('n3')).toBe('REDIRECT n3');
    expect(okSubscribed('orders')).toBe('OK subscribed orders');
  });
});

describe('PING and QUIT', () => {
  it('accepts PING in any case with whitespace around it', () => {
    for (const line of ['PING', 'ping', 'Ping', 'pInG', '  PING  ', '\tping\t', 'PING\n', 'PING\r\n']) {
      expect(parseLine(line), JSON.stringify(line)).toEqual({ kind: 'ping' });
    }
  });

  it('accepts QUIT in any case with whitespace around it', () => {
    for (const line of ['QUIT', 'quit', 'Quit', ' quit ', 'QUIT\r\n']) {
      expect(parseLine(line), JSON.stringify(line)).toEqual({ kind: 'quit' });
    }
  });

  it('rejects PING or QUIT with anything else on the line as unknown', () => {
    for (const line of ['PING x', 'PINGX', 'PIN', 'QUIT now', 'P ING', 'pıng']) {
      expect(parseLine(line), JSON.stringify(line)).toEqual(err(ERR_UNKNOWN));
    }
  });
});

describe('PUB', () => {
  it('parses a topic and a message without an id', () => {
    expect(parseLine('PUB orders hello')).toEqual({ kind: 'pub', topic: 'orders', id: undefined, message: 'hello' });
  });

  it('parses --id and keeps the rest as the message', () => {
    expect(parseLine('PUB orders --id a1 hello world')).toEqual({
      kind: 'pub',
      topic: 'orders',
      id: 'a1',
      message: 'hello world',
    });
  });

  it('keeps internal runs of spaces and trailing spaces of the message exactly', () => {
    expect(parseLine('PUB t a  b   c ')).toMatchObject({ message: 'a  b   c ' });
    expect(parseLine('PUB t --id x a  b   c ')).toMatchObject({ id: 'x', message: 'a  b   c ' });
  });

  it('takes exactly one space before the message, so any message round-trips', () => {
    for (const message of ['  leading', 'trailing  ', ' both ', 'tab\there', '--id not a flag? no: a message']) {
      const parsed = parseLine(`PUB t --id i ${message}`);
      expect(parsed).toMatchObject({ kind: 'pub', topic: 't', id: 'i', message });
    }
    expect(parseLine('PUB t   three')).toMatchObject({ id: undefined, message: '  three' });
  });

  it('tolerates extra spaces between the words before the message', () => {
    expect(parseLine('  PUB   t   --id   x m')).toEqual({ kind: 'pub', topic: 't', id: 'x', message: 'm' });
  });

  it('treats --id as the flag only as a whole word', () => {
    expect(parseLine('PUB t --idx m')).toEqual({ kind: 'pub', topic: 't', id: undefined, message: '--idx m' });
  });

  it('answers the PUB usage error when the topic, the id or the message is missing', () => {
    for (const line of [
      'PUB',
      'PUB ',
      'PUB    ',
      'PUB t',
      'PUB t ',
      'PUB t    ',
      'PUB t --id',
      'PUB t --id ',
      'PUB t --id x',
      'PUB t --id x ',
      'PUB t --id x   ',
    ]) {
      expect(parseLine(line), JSON.stringify(line)).toEqual(err(ERR_USAGE_PUB));
    }
  });

  it('is upper case and followed by a space: other spellings are unknown', () => {
    for (const line of ['pub t m', 'Pub t m', 'PUBX t m', 'PUB\tt m', 'PUBLISH t m']) {
      expect(parseLine(line), JSON.stringify(line)).toEqual(err(ERR_UNKNOWN));
    }
  });

  it('rejects a topic or an id over the limit', () => {
    const long = 'x'.repeat(MAX_TOPIC_LENGTH + 1);
    expect(parseLine(`PUB ${'x'.repeat(MAX_TOPIC_LENGTH)} m`)).toMatchObject({ kind: 'pub' });
    expect(parseLine(`PUB ${long} m`)).toEqual(err(ERR_TOPIC_TOO_LONG));
    expect(parseLine(`PUB t --id ${'i'.repeat(MAX_ID_LENGTH)} m`)).toMatchObject({ kind: 'pub' });
    expect(parseLine(`PUB t --id ${'i'.repeat(MAX_ID_LENGTH + 1)} m`)).toEqual(err(ERR_ID_TOO_LONG));
  });

  it('keeps HTML in a message as plain text', () => {
    expect(parseLine('PUB t <img src=x onerror=alert(1)>')).toMatchObject({
      message: '<img src=x onerror=alert(1)>',
    });
  });
});

describe('HISTORY', () => {
  it('parses a topic and an integer n', () => {
    expect(parseLine('HISTORY orders 10')).toEqual({ kind: 'history', topic: 'orders', n: 10 });
    expect(parseLine('HISTORY orders +3 ')).toEqual({ kind: 'history', topic: 'orders', n: 3 });
    expect(parseLine('  HISTORY  orders  007\r\n')).toEqual({ kind: 'history', topic: 'orders', n: 7 });
  });

  it('accepts n = 0, which asks for no records', () => {
    expect(parseLine('HISTORY t 0')).toEqual({ kind: 'history', topic: 't', n: 0 });
    expect(parseLine('HISTORY t -0')).toEqual({ kind: 'history', topic: 't', n: 0 });
  });

  it('answers a negative n with ERR n_must_be_non_negative (the original answered just OK history_end; issue 10)', () => {
    expect(parseLine('HISTORY t -5')).toEqual({ kind: 'error', reply: 'ERR n_must_be_non_negative' });
    expect(parseLine('HISTORY t -99999999999999999999')).toEqual({ kind: 'error', reply: 'ERR n_must_be_non_negative' });
  });

  it('clamps a huge n to a safe integer', () => {
    expect(parseLine('HISTORY t 99999999999999999999999')).toEqual({
      kind: 'history',
      topic: 't',
      n: Number.MAX_SAFE_INTEGER,
    });
  });

  it('answers n_must_be_int when n is not an integer', () => {
    for (const n of ['x', '1.5', '1e3', '0x10', '5a', '-', '+', 'NaN', 'Infinity']) {
      expect(parseLine(`HISTORY t ${n}`), n).toEqual(err(ERR_N_MUST_BE_INT));
    }
  });

  it('answers the HISTORY usage error when a word is missing or extra', () => {
    for (const line of ['HISTORY', 'HISTORY ', 'HISTORY t', 'HISTORY t ', 'HISTORY t 5 6']) {
      expect(parseLine(line), JSON.stringify(line)).toEqual(err(ERR_USAGE_HISTORY));
    }
  });

  it('is upper case and followed by a space', () => {
    for (const line of ['history t 5', 'HISTORYt 5', 'History t 5']) {
      expect(parseLine(line), line).toEqual(err(ERR_UNKNOWN));
    }
  });

  it('rejects a topic over the limit', () => {
    expect(parseLine(`HISTORY ${'x'.repeat(MAX_TOPIC_LENGTH + 1)} 5`)).toEqual(err(ERR_TOPIC_TOO_LONG));
  });
});

describe('SUB', () => {
  it('parses a topic', () => {
    expect(parseLine('SUB orders')).toEqual({ kind: 'sub', topic: 'orders' });
    expect(parseLine(' SUB   orders  \n')).toEqual({ kind: 'sub', topic: 'orders' });
  });

  it('answers the SUB usage error with no topic or more than one', () => {
    for (const line of ['SUB', 'SUB ', 'SUB   ', 'SUB a b']) {
      expect(parseLine(line), JSON.stringify(line)).toEqual(err(ERR_USAGE_SUB));
    }
  });

  it('is upper case and followed by a space', () => {
    for (const line of ['sub t', 'SUBt', 'Sub t']) {
      expect(parseLine(line), line).toEqual(err(ERR_UNKNOWN));
    }
  });

  it('rejects a topic over the limit', () => {
    expect(parseLine(`SUB ${'x'.repeat(MAX_TOPIC_LENGTH + 1)}`)).toEqual(err(ERR_TOPIC_TOO_LONG));
  });
});

describe('bad lines', () => {
  it('answers unknown to an empty or whitespace-only line', () => {
    for (const line of ['', ' ', '   ', '\t', '\n', '\r\n', ' \t \r\n']) {
      expect(parseLine(line), JSON.stringify(line)).toEqual(err(ERR_UNKNOWN));
    }
  });

  it('answers unknown to any other command', () => {
    for (const line of ['HELLO', 'GET t', 'PUBSUB t', '--id x']) {
      expect(parseLine(line), line).toEqual(err(ERR_UNKNOWN));
    }
  });

  it('accepts a line of exactly the limit and rejects one longer as too_long', () => {
    const prefix = 'PUB t ';
    const atLimit = prefix + 'm'.repeat(MAX_LINE_LENGTH - prefix.length);
    expect(atLimit.length).toBe(MAX_LINE_LENGTH);
    expect(parseLine(atLimit)).toMatchObject({ kind: 'pub', topic: 't' });
    expect(parseLine(atLimit + '\r\n')).toMatchObject({ kind: 'pub', topic: 't' });
    expect(parseLine(atLimit + 'm')).toEqual(err(ERR_TOO_LONG));
    expect(parseLine(' '.repeat(MAX_LINE_LENGTH + 1))).toEqual(err(ERR_TOO_LONG));
  });

  it('rejects a line break inside the line, so a message stays on one line', () => {
    for (const line of ['PUB t a\nb', 'PUB t a\rb', 'PING\n\n', 'PING\r\r\n']) {
      expect(parseLine(line), JSON.stringify(line)).toEqual(err(ERR_LINE_BREAK));
    }
  });
});

describe('record lines', () => {
  const record: TopicRecord = { id: 'n1-2-3', offset: 4, ts: 1000.4, correctedTs: 1012.5, lamport: 17, message: 'hi  there ' };

  it('formats HISTORY and MSG lines in the spec field order', () => {
    expect(formatHistoryLine('orders', record)).toBe('HISTORY orders n1-2-3 4 1000 1013 17 hi  there ');
    expect(formatMsgLine('orders', record)).toBe('MSG orders n1-2-3 4 1000 1013 17 hi  there ');
  });

  it('writes timestamps as whole milliseconds, rounding halves up and never -0', () => {
    expect(formatTs(12.5)).toBe('13');
    expect(formatTs(12.49)).toBe('12');
    expect(formatTs(-12.5)).toBe('-12');
    expect(formatTs(-0.2)).toBe('0');
    expect(formatTs(-7.6)).toBe('-8');
  });

  it('ends a HISTORY reply with OK history_end', () => {
    const second = { ...record, offset: 5, message: 'b' };
    expect(formatHistoryReply('t', [record, second])).toEqual([
      formatHistoryLine('t', record),
      formatHistoryLine('t', second),
      OK_HISTORY_END,
    ]);
    expect(formatHistoryReply('t', [])).toEqual([OK_HISTORY_END]);
  });

  it('formats HTML in a message verbatim, as text', () => {
    const xss = { ...record, message: '<img src=x onerror=alert(1)>' };
    expect(formatMsgLine('t', xss)).toBe('MSG t n1-2-3 4 1000 1013 17 <img src=x onerror=alert(1)>');
    expect(formatHistoryLine('t', xss).endsWith(' <img src=x onerror=alert(1)>')).toBe(true);
  });

  it('reads its own lines back, message exactly', () => {
    const whole = { ...record, ts: 1000, correctedTs: 1013 };
    expect(parseRecordLine(formatMsgLine('orders', record))).toEqual({ kind: 'msg', topic: 'orders', record: whole });
    expect(parseRecordLine(formatHistoryLine('orders', record))).toEqual({
      kind: 'history',
      topic: 'orders',
      record: whole,
    });
  });

  it('reads nothing from other lines', () => {
    for (const line of [OK_HISTORY_END, 'MSG t id 1 2 3', 'MSG t id x 2 3 4 m', 'HISTORY  t id 1 2 3 4 m', 'PONG']) {
      expect(parseRecordLine(line), line).toBeUndefined();
    }
  });
});
