/** A running message's visibility is extended before it runs out, up to a cap; then its signal aborts. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defineWorker } from '../../src/worker/define.ts';
import { VisibilityLostError } from '../../src/worker/errors.ts';
import { startWorker } from '../../src/worker/worker.ts';
import { createQueue, gate, recording, send, settle, stats, stopWorker, until, useEnv } from './harness.ts';

describe('heartbeat', () => {
  const env = useEnv();

  /** Moves the clock in steps, checking after each that no other receiver can get the message. */
  async function hiddenFor(url: string, ms: number, step = 5000) {
    for (let t = 0; t < ms; t += step) {
      await env.clock.advance(step);
      await settle();
      const { Messages = [] } = await env.store.receiveMessage({ QueueUrl: url, WaitTimeSeconds: 0 });
      assert.deepEqual(Messages, [], `another receiver got the message ${t + step} ms in`);
    }
  }

  it('keeps a job that runs 3× the visibility timeout invisible, and does not abort it', async () => {
    const url = await createQueue(env.store, 'jobs');
    await send(env.store, url, ['slow']);
    const rec = recording(env.store);
    const finish = gate();
    let signal: AbortSignal | undefined;
    let done = false;
    const worker = startWorker(
      defineWorker({
        queue: 'jobs',
        visibilityTimeout: 30,
        handler: async (_m, ctx) => {
          signal = ctx.signal;
          await finish.promise;
          done = true;
        },
      }),
      { client: rec.client, clock: env.clock, logger: env.log.logger },
    );
    await until(() => signal !== undefined, env.clock);
    await hiddenFor(url, 95_000);
    assert.equal(signal?.aborted, false);
    assert.ok(rec.count('changeMessageVisibilityBatch') >= 4);
    finish.open();
    await until(async () => done && (await stats(env.store, 'jobs')).inFlight === 0, env.clock, {
      stepMs: 5,
    });
    assert.equal((await stats(env.store, 'jobs')).visible, 0);
    await worker.stop();
  });

  it('aborts the signal when maxExtensionSeconds is reached, before the message becomes visible', async () => {
    const url = await createQueue(env.store, 'jobs');
    await send(env.store, url, ['endless']);
    let abortedAt: number | undefined;
    let reason: unknown;
    const start = env.clock.now();
    const worker = startWorker(
      defineWorker({
        queue: 'jobs',
        visibilityTimeout: 30,
        maxExtensionSeconds: 60,
        backoff: { baseSeconds: 0, maxSeconds: 0 },
        handler: (_m, ctx) =>
          new Promise((_, reject) => {
            ctx.signal.addEventListener('abort', () => {
              abortedAt = env.clock.now() - start;
              reason = ctx.signal.reason;
              reject(ctx.signal.reason);
            });
          }),
      }),
      { client: env.store, clock: env.clock, logger: env.log.logger },
    );
    await until(() => worker.running === 1, env.clock);
    await hiddenFor(url, 40_000);
    await until(() => abortedAt !== undefined, env.clock, { stepMs: 1000 });
    assert.ok(reason instanceof VisibilityLostError, String(reason));
    assert.match((reason as Error).message, /maxExtensionSeconds reached/);
    assert.ok(abortedAt !== undefined && abortedAt > 40_000 && abortedAt < 60_000, `aborted at ${abortedAt}`);
    await stopWorker(worker, env.clock); // it received the message again and waits for another abort
  });

  it('aborts the signal when SQS refuses the extension (a stale receipt handle)', async () => {
    const url = await createQueue(env.store, 'jobs');
    await send(env.store, url, ['gone']);
    let handle: string | undefined;
    let reason: unknown;
    const worker = startWorker(
      defineWorker({
        queue: 'jobs',
        visibilityTimeout: 30,
        handler: (m, ctx) =>
          new Promise<void>((resolve) => {
            handle = m.receiptHandle;
            ctx.signal.addEventListener('abort', () => {
              reason = ctx.signal.reason;
              resolve();
            });
          }),
      }),
      { client: env.store, clock: env.clock, logger: env.log.logger },
    );
    await until(() => handle !== undefined, env.clock);
    await env.store.deleteMessage({ QueueUrl: url, ReceiptHandle: handle as string });
    await until(() => reason !== undefined, env.clock, { stepMs: 1000 });
    assert.ok(reason instanceof VisibilityLostError);
    assert.match((reason as Error).message, /SQS refused the extension/);
    await worker.stop();
  });

  it('ctx.extendVisibility sets the visibility from now', async () => {
    const url = await createQueue(env.store, 'jobs');
    await send(env.store, url, ['long']);
    const rec = recording(env.store);
    const finish = gate();
    const worker = startWorker(
      defineWorker({
        queue: 'jobs',
        visibilityTimeout: 30,
        maxExtensionSeconds: 0,
        handler: async (_m, ctx) => {
          await ctx.extendVisibility(300);
          await finish.promise;
        },
      }),
      { client: rec.client, clock: env.clock, logger: env.log.logger },
    );
    await until(() => rec.count('changeMessageVisibilityBatch') === 1, env.clock);
    await hiddenFor(url, 150_000, 30_000);
    finish.open();
    await worker.stop();
  });
});
