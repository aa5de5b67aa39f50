/** Batch handlers: Lambda's partial batch response fails only the listed messages; a throw fails them all. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defineWorker } from '../../src/worker/define.ts';
import { PermanentError } from '../../src/worker/errors.ts';
import { startWorker } from '../../src/worker/worker.ts';
import { bodies, createQueue, queueWithDlq, send, stats, until, useEnv } from './harness.ts';

describe('batch handler', () => {
  const env = useEnv();

  it('gets a receive as one batch; batchItemFailures fail only those messages', async () => {
    const url = await createQueue(env.store, 'jobs');
    await send(env.store, url, bodies(5));
    const calls: { bodies: string[]; counts: number[] }[] = [];
    const worker = startWorker(
      defineWorker({
        queue: 'jobs',
        batchSize: 5,
        concurrency: 5,
        batchHandler: async (messages) => {
          calls.push({ bodies: messages.map((m) => m.body), counts: messages.map((m) => m.receiveCount) });
          if (calls.length > 1) return;
          return {
            batchItemFailures: messages
              .filter((m) => m.body === 'm1' || m.body === 'm3')
              .map((m) => ({ itemIdentifier: m.messageId })),
          };
        },
      }),
      { client: env.store, clock: env.clock, logger: env.log.logger, random: () => 0 },
    );
    await until(() => calls.length === 2, env.clock, { stepMs: 5 });
    assert.deepEqual(calls[0]?.bodies, ['m0', 'm1', 'm2', 'm3', 'm4']);
    assert.deepEqual(calls[1], { bodies: ['m1', 'm3'], counts: [2, 2] });
    await until(async () => (await stats(env.store, 'jobs')).inFlight === 0, env.clock, { stepMs: 5 });
    assert.equal((await stats(env.store, 'jobs')).visible, 0);
    await worker.stop();
  });

  it('a throw fails the whole batch; a PermanentError sends it all to the DLQ', async () => {
    const { url } = await queueWithDlq(env.store, 'jobs', 5);
    await send(env.store, url, bodies(3));
    let calls = 0;
    const worker = startWorker(
      defineWorker({
        queue: 'jobs',
        batchSize: 3,
        concurrency: 3,
        batchHandler: async (messages) => {
          calls++;
          if (messages[0]?.receiveCount === 1) throw 'broken'; // not even an Error
          throw new PermanentError('give up');
        },
      }),
      { client: env.store, clock: env.clock, logger: env.log.logger, random: () => 0 },
    );
    await until(async () => (await stats(env.store, 'jobs-dlq')).visible === 3, env.clock, { stepMs: 5 });
    assert.equal(calls, 2);
    await until(async () => (await stats(env.store, 'jobs')).inFlight === 0, env.clock, { stepMs: 5 });
    await worker.stop();
  });

  it('a malformed answer fails the whole batch', async () => {
    const url = await createQueue(env.store, 'jobs');
    await send(env.store, url, bodies(2));
    const counts: number[] = [];
    const worker = startWorker(
      defineWorker({
        queue: 'jobs',
        batchSize: 2,
        concurrency: 2,
        batchHandler: async (messages) => {
          counts.push(...messages.map((m) => m.receiveCount));
          if (messages[0]?.receiveCount === 1) return { batchItemFailures: [{ itemIdentifier: '' }] };
        },
      }),
      { client: env.store, clock: env.clock, logger: env.log.logger, random: () => 0 },
    );
    await until(() => counts.length === 4, env.clock, { stepMs: 5 });
    assert.deepEqual(counts, [1, 1, 2, 2]);
    await worker.stop();
  });
});
