import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { describe, it } from 'node:test';
import { createLogger } from '../../src/observe/logger.ts';

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
