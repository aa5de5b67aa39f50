import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { describe, it } from 'node:test';
import { createLogger, logEnv, logSettingsOf } from '../../src/observe/logger.ts';

/** A destination that keeps each JSON line as an object. */
function capture() {
  const lines: Record<string, unknown>[] = [];
  return { lines, destination: { write: (s: string) => void lines.push(JSON.parse(s)) } };
}

describe('createLogger', () => {
  it('writes one JSON object per line with the level as a name, time, pid and hostname', () => {
    const { lines, destination } = capture();
    createLogger({ destination }).info({ n: 1 }, 'hello');
    assert.equal(lines.length, 1);
    const [line] = lines;
    assert.equal(line?.level, 'info');
    assert.equal(line?.msg, 'hello');
    assert.equal(line?.n, 1);
    assert.equal(line?.pid, process.pid);
    assert.equal(line?.hostname, hostname());
    assert.equal(typeof line?.time, 'number');
  });

  it('binds queue, workerId and messageId through children', () => {
    const { lines, destination } = capture();
    const worker = createLogger({ destination }).child({ queue: 'jobs', workerId: 'w-1' });
    worker.child({ messageId: 'm-1' }).warn('slow');
    assert.deepEqual(
      { queue: lines[0]?.queue, workerId: lines[0]?.workerId, messageId: lines[0]?.messageId },
      { queue: 'jobs', workerId: 'w-1', messageId: 'm-1' },
    );
    assert.equal(lines[0]?.level, 'warn');
  });

  it('adds base fields to every line', () => {
    const { lines, destination } = capture();
    createLogger({ destination, base: { service: 'billing' } }).error('x');
    assert.equal(lines[0]?.service, 'billing');
    assert.equal(lines[0]?.pid, process.pid);
  });

  it('defaults to info and honours a given level', () => {
    const a = capture();
    const info = createLogger({ destination: a.destination });
    info.debug('hidden');
    info.info('shown');
    assert.deepEqual(
      a.lines.map((l) => l.msg),
      ['shown'],
    );
    const b = capture();
    createLogger({ destination: b.destination, level: 'debug' }).debug('now shown');
    assert.equal(b.lines.length, 1);
    const c = capture();
    createLogger({ destination: c.destination, level: 'silent' }).fatal('never');
    assert.equal(c.lines.length, 0);
  });

  it('serialises errors with type, message and stack', () => {
    const { lines, destination } = capture();
    createLogger({ destination }).error({ err: new TypeError('bad body') }, 'handler failed');
    const err = lines[0]?.err as Record<string, unknown>;
    assert.equal(err.type, 'TypeError');
    assert.equal(err.message, 'bad body');
    assert.match(String(err.stack), /TypeError: bad body/);
  });

  it('refuses an unknown level', () => {
    assert.throws(() => createLogger({ level: 'loud', destination: capture().destination }), {
      name: 'RangeError',
      message: 'unknown log level "loud" (expected one of trace, debug, info, warn, error, fatal, silent)',
    });
  });
});

describe('logSettingsOf', () => {
  it('is pretty on a terminal and JSON otherwise, at info, unless told', () => {
    assert.deepEqual(logSettingsOf({}, {}, true), { level: 'info', format: 'pretty', colour: true });
    assert.deepEqual(logSettingsOf({}, {}, false), { level: 'info', format: 'json', colour: false });
  });

  it('reads LOG_LEVEL and LOG_FORMAT; the flags win over them', () => {
    const env = { LOG_LEVEL: 'debug', LOG_FORMAT: 'json' };
    assert.deepEqual(logSettingsOf(env, {}, true), { level: 'debug', format: 'json', colour: false });
    assert.deepEqual(logSettingsOf(env, { level: 'warn', format: 'pretty' }, false), {
      level: 'warn',
      format: 'pretty',
      colour: false,
    });
  });

  it('leaves colour out under NO_COLOR', () => {
    assert.equal(logSettingsOf({ NO_COLOR: '1' }, {}, true).colour, false);
  });

  it('refuses a bad value, naming the flag or the variable', () => {
    assert.throws(() => logSettingsOf({}, { level: 'loud' }, false), {
      message: '--log-level must be one of trace, debug, info, warn, error, fatal, silent, got "loud"',
    });
    assert.throws(() => logSettingsOf({ LOG_LEVEL: 'verbose' }, {}, false), {
      message: 'LOG_LEVEL must be one of trace, debug, info, warn, error, fatal, silent, got "verbose"',
    });
    assert.throws(() => logSettingsOf({ LOG_FORMAT: 'text' }, {}, false), {
      message: 'LOG_FORMAT must be one of json, pretty, got "text"',
    });
  });

  it('hands the same settings to a child process as variables', () => {
    assert.deepEqual(logEnv(logSettingsOf({}, { level: 'debug' }, true)), {
      LOG_LEVEL: 'debug',
      LOG_FORMAT: 'pretty',
    });
  });
});
