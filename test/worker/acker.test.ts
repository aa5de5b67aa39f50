/** Successes are deleted in DeleteMessageBatch calls of up to 10, and a failed delete is retried once. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defineWorker } from '../../src/worker/define.ts';
import { startWorker } from '../../src/worker/worker.ts';
import { bodies, createQueue, recording, send, stats, until, useEnv } from './harness.ts';

describe('acks', () => {
  const env = useEnv();

  it('coalesces deletes: batches of up to 10, flushed within a few ms', async () => {
    const url = await createQueue(env.store, 'jobs');
    await send(env.store, url, bodies(95));
    const rec = recording(env.store);
    let done = 0;
    const worker = startWorker(defineWorker({ queue: 'jobs', concurrency: 50, handler: () => void done++ }), {
      client: rec.client,
      clock: env.clock,
      logger: env.log.logger,
    });
    await until(() => done === 95, env.clock);
    // Nothing waits longer than the flush delay: one 5 ms step sends the rest.
    await env.clock.advance(5);
    await until(async () => (await stats(env.store, 'jobs')).inFlight === 0, env.clock, { what: 'deletes' });
    const sizes = rec.calls
      .filter((c) => c.action === 'deleteMessageBatch')
      .map((c) => (c.input.Entries as unknown[]).length);
    assert.equal(rec.count('deleteMessage'), 0);
    assert.equal(
      sizes.reduce((a, b) => a + b, 0),
      95,
    );
    assert.ok(sizes.every((n) => n <= 10));
    assert.ok(sizes.filter((n) => n === 10).length >= 8, `sizes ${sizes}`);
    await worker.stop();
  });

  it('retries a failed delete once, and logs it', async () => {
    const url = await createQueue(env.store, 'jobs');
    await send(env.store, url, ['a']);
    let failures = 1;
    const rec = recording(env.store, (action) => {
      if (action === 'deleteMessageBatch' && failures-- > 0) throw new Error('ECONNRESET');
    });
    let done = 0;
    const worker = startWorker(defineWorker({ queue: 'jobs', handler: () => void done++ }), {
      client: rec.client,
      clock: env.clock,
      logger: env.log.logger,
    });
    await until(async () => (await stats(env.store, 'jobs')).inFlight === 0 && done === 1, env.clock, {
      stepMs: 5,
    });
    assert.equal(rec.count('deleteMessageBatch'), 2);
    assert.ok(env.log.lines.some((l) => l.msg === 'delete failed; retrying once' && l.messageId));
    await worker.stop();
  });
});
