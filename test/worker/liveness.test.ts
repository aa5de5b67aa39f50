/** What the poll loop tells PollLiveness: a hung receive is a stall; busy slots are not. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { localClient } from '../../src/client/local.ts';
import type { QueueClient } from '../../src/client/queue-client.ts';
import { PollLiveness } from '../../src/observe/liveness.ts';
import { defineWorker } from '../../src/worker/define.ts';
import { startWorker } from '../../src/worker/worker.ts';
import { advance, bodies, createQueue, gate, send, stopWorker, until, useEnv } from './harness.ts';

describe('liveness', () => {
  const env = useEnv();

  it('a receive that hangs while the queue has messages fails liveness', async () => {
    const url = await createQueue(env.store, 'jobs');
    await send(env.store, url, bodies(15));
    let receives = 0;
    // The real store, except that the second receive hangs like a dead socket (until aborted).
    const base = localClient(env.store);
    const client: QueueClient = {
      ...base,
      receiveMessage: (input, options) => {
        if (++receives === 1) return base.receiveMessage(input, options);
        return new Promise((resolve) => options?.signal?.addEventListener('abort', () => resolve({})));
      },
    };
    const liveness = new PollLiveness({ clock: env.clock, stallAfterMs: 60_000 });
    let done = 0;
    const worker = startWorker(defineWorker({ queue: 'jobs', handler: () => void done++ }), {
      client,
      clock: env.clock,
      logger: env.log.logger,
      liveness,
    });
    await until(() => done === 10 && receives === 2, env.clock);
    await advance(env.clock, 60_000, 10_000);
    assert.deepEqual(liveness.check(), { ok: true });
    await advance(env.clock, 1000);
    assert.equal(liveness.check().ok, false);
    await worker.stop();
  });

  it('all slots busy with handlers is not a stall', async () => {
    const url = await createQueue(env.store, 'jobs');
    await send(env.store, url, bodies(20));
    const liveness = new PollLiveness({ clock: env.clock, stallAfterMs: 60_000 });
    const finish = gate();
    const worker = startWorker(
      defineWorker({ queue: 'jobs', concurrency: 10, visibilityTimeout: 600, handler: () => finish.promise }),
      { client: env.store, clock: env.clock, logger: env.log.logger, liveness },
    );
    await until(() => worker.running === 10, env.clock);
    await advance(env.clock, 300_000, 10_000);
    assert.deepEqual(liveness.check(), { ok: true });
    finish.open();
    await stopWorker(worker, env.clock);
  });
});
