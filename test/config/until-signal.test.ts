/** onStopSignal: the first signal drains; the same one again forces; the other kind is absorbed. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { exitCodeOf, onStopSignal } from '../../src/config/until-signal.ts';

function listen() {
  const calls: string[] = [];
  const off = onStopSignal(
    (s) => void calls.push(`stop ${s}`),
    (s) => void calls.push(`force ${s}`),
  );
  return { calls, off };
}

describe('onStopSignal', () => {
  it('Ctrl-C twice: stop, then force (once)', () => {
    const { calls, off } = listen();
    try {
      process.emit('SIGINT', 'SIGINT');
      process.emit('SIGINT', 'SIGINT');
      process.emit('SIGINT', 'SIGINT');
    } finally {
      off();
    }
    assert.deepEqual(calls, ['stop SIGINT', 'force SIGINT']);
  });

  it('SIGINT then SIGTERM (Ctrl-C under sluice scale, then the supervisor): the SIGTERM is absorbed', () => {
    const { calls, off } = listen();
    try {
      process.emit('SIGINT', 'SIGINT');
      process.emit('SIGTERM', 'SIGTERM');
    } finally {
      off();
    }
    assert.deepEqual(calls, ['stop SIGINT']);
  });

  it('without force, every later signal is absorbed', () => {
    const calls: string[] = [];
    const off = onStopSignal((s) => void calls.push(s));
    try {
      process.emit('SIGTERM', 'SIGTERM');
      process.emit('SIGTERM', 'SIGTERM');
    } finally {
      off();
    }
    assert.deepEqual(calls, ['SIGTERM']);
  });

  it('exit codes: 0 drained, 1 abandoned, 128 + the signal forced', () => {
    assert.equal(exitCodeOf({ kind: 'drained' }), 0);
    assert.equal(exitCodeOf({ kind: 'abandoned' }), 1);
    assert.equal(exitCodeOf({ kind: 'forced', signal: 'SIGINT' }), 130);
    assert.equal(exitCodeOf({ kind: 'forced', signal: 'SIGTERM' }), 143);
  });
});
