/**
 * The pretty format as a pure function: a pino JSON line in, one readable
 * line out; colour only when asked; anything else passes through.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatPretty } from '../../src/observe/pretty.ts';

const time = Date.UTC(2026, 0, 1, 12, 1, 52);
const d = new Date(time);
const hhmmss = [d.getHours(), d.getMinutes(), d.getSeconds()]
  .map((n) => String(n).padStart(2, '0'))
  .join(':');

const line = (fields: Record<string, unknown>) =>
  `${JSON.stringify({ level: 'info', time, pid: 42, hostname: 'vm', ...fields })}\n`;

describe('formatPretty', () => {
  it('gives time, level, worker and queue, the message, then the other fields; no pid, hostname or default workerId', () => {
    const out = formatPretty(
      line({
        worker: 'push',
        workerId: 'vm-42',
        queue: 'push-notifications',
        messageId: 'm-1',
        to: 'ana',
        latencyMs: 21,
        msg: 'push delivered',
      }),
      { colour: false },
    );
    assert.equal(
      out,
      `${hhmmss} INFO  push push-notifications  push delivered  to=ana latencyMs=21 messageId=m-1\n`,
    );
  });

  it('shows a WORKER_ID that is not the default host-pid (a process of a `sluice scale` pool)', () => {
    const out = formatPretty(line({ worker: 'push', workerId: 'vm-3', msg: 'worker started' }), {
      colour: false,
    });
    assert.equal(out, `${hhmmss} INFO  push vm-3  worker started\n`);
  });

  it('quotes values with spaces, writes objects as JSON, and reads numeric levels', () => {
    const out = formatPretty(
      `${JSON.stringify({ level: 40, time, reason: 'scale-out cooldown: 15 s', queues: ['a', 'b'], msg: 'holding 3' })}`,
      { colour: false },
    );
    assert.equal(out, `${hhmmss} WARN  holding 3  reason="scale-out cooldown: 15 s" queues=["a","b"]\n`);
  });

  it('puts an error on the line and its stack below, indented', () => {
    const err = {
      type: 'TypeError',
      message: 'bad body',
      stack: 'TypeError: bad body\n    at handle (a.ts:1:1)',
    };
    const out = formatPretty(line({ level: 'error', err, msg: 'handler failed' }), { colour: false });
    assert.equal(
      out,
      `${hhmmss} ERROR handler failed  err="TypeError: bad body"\n    at handle (a.ts:1:1)\n`,
    );
  });

  it('leaves out the stack of a warning (a retried failure)', () => {
    const err = {
      type: 'ProviderError',
      message: '503',
      stack: 'ProviderError: 503\n    at deliver (p.ts:1:1)',
    };
    const out = formatPretty(line({ level: 'warn', err, msg: 'handler failed; retrying' }), {
      colour: false,
    });
    assert.equal(out, `${hhmmss} WARN  handler failed; retrying  err="ProviderError: 503"\n`);
  });

  it('names a component (the scheduler) where there is no worker', () => {
    const out = formatPretty(line({ component: 'scheduler', schedule: 'cost', msg: 'started' }), {
      colour: false,
    });
    assert.equal(out, `${hhmmss} INFO  scheduler  started  schedule=cost\n`);
  });

  it('colours only when asked', () => {
    const plain = formatPretty(line({ level: 'warn', msg: 'slow' }), { colour: false });
    assert.ok(!plain.includes('\x1b['), plain);
    const coloured = formatPretty(line({ level: 'warn', msg: 'slow' }), { colour: true });
    assert.ok(coloured.includes('\x1b[33mWARN \x1b[0m'), coloured);
    assert.ok(coloured.includes('\x1b[33mslow\x1b[0m'), coloured);
  });

  it('passes a line that is not a JSON object through unchanged', () => {
    assert.equal(formatPretty('not json', { colour: true }), 'not json\n');
    assert.equal(formatPretty('[1,2]\n', { colour: false }), '[1,2]\n');
  });
});
