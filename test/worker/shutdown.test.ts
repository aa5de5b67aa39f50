/** Stopping: the long poll ends at once, in-flight handlers finish or are cut off, nothing is lost or left in flight. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defineWorker } from '../../src/worker/define.ts';
import { ShutdownError } from '../../src/worker/errors.ts';
import { startWorker } from '../../src/worker/worker.ts';
import { bodies, createQueue, gate, recording, send, settle, stats, until, useEnv } from './harness.ts';

describe('shutdown', () => {
  const env = useEnv();

  it('aborts the open long poll at once (the clock does not move)', async () => {
    await createQueue(env.store, 'jobs');
    const rec = recording(env.store);
    const worker = startWorker(defineWorker({ queue: 'jobs', waitTimeSeconds: 20, handler: () => {} }), {
      client: rec.client,
      clock: env.clock,
      logger: env.log.logger,
    });
    await worker.ready;
    await until(() => rec.count('receiveMessage') === 1, env.clock);
    assert.equal(worker.state, 'running');
    await worker.stop('test');
    assert.equal(worker.state, 'stopped');
    assert.equal(rec.count('receiveMessage'), 1);
  });

  it('lets in-flight handlers finish and deletes their messages; the rest stay in the queue', async () => {
    const url = await createQueue(env.store, 'jobs');
    await send(env.store, url, bodies(20));
    const gates: (() => void)[] = [];
    let finished = 0;
    const worker = startWorker(
      defineWorker({
        queue: 'jobs',
        concurrency: 5,
        batchSize: 5,
        handler: async () => {
          const g = gate();
          gates.push(g.open);
          await g.promise;
          finished++;
        },
      }),
      { client: env.store, clock: env.clock, logger: env.log.logger },
    );
    await until(() => gates.length === 5, env.clock);
    let stopped = false;
    const stopping = worker.stop().then(() => {
      stopped = true;
    });
    await settle();
    assert.equal(worker.state, 'draining');
    assert.equal(stopped, false);
    for (const open of gates) open();
    await stopping;
    assert.equal(finished, 5);
    const s = await stats(env.store, 'jobs');
    assert.deepEqual([s.visible, s.inFlight], [15, 0]);
  });

  it('after shutdownTimeoutMs aborts the handlers and hands their messages back at once', async () => {
    const url = await createQueue(env.store, 'jobs');
    await send(env.store, url, bodies(6));
    const reasons: unknown[] = [];
    const worker = startWorker(
      defineWorker({
        queue: 'jobs',
        concurrency: 4,
        shutdownTimeoutMs: 10_000,
        visibilityTimeout: 300,
        // Handlers that ignore their signal entirely: a stop must not wait for them.
        handler: (_m, ctx) => {
          ctx.signal.addEventListener('abort', () => reasons.push(ctx.signal.reason));
          return new Promise(() => {});
        },
      }),
      { client: env.store, clock: env.clock, logger: env.log.logger },
    );
    await until(() => worker.running === 4, env.clock);
    let stopped = false;
    const stopping = worker.stop().then(() => {
      stopped = true;
    });
    await env.clock.advance(9_999);
    await settle();
    assert.equal(stopped, false);
    assert.equal(reasons.length, 0);
    await env.clock.advance(1);
    await stopping;
    assert.equal(reasons.length, 4);
    assert.ok(reasons.every((r) => r instanceof ShutdownError));
    const s = await stats(env.store, 'jobs');
    assert.deepEqual([s.visible, s.inFlight], [6, 0]);
    assert.equal(worker.inFlight, 0);
    assert.equal(worker.abandoned, 4, 'four handlers were cut short');
  });

  it('abandon() during the drain (a second signal) hands back at once, without waiting for the timeout', async () => {
    const url = await createQueue(env.store, 'jobs');
    await send(env.store, url, bodies(3));
    const worker = startWorker(
      defineWorker({
        queue: 'jobs',
        concurrency: 3,
        shutdownTimeoutMs: 600_000,
        handler: () => new Promise(() => {}), // ignores its signal
      }),
      { client: env.store, clock: env.clock, logger: env.log.logger },
    );
    await until(() => worker.running === 3, env.clock);
    void worker.stop('SIGINT');
    await settle();
    assert.equal(worker.state, 'draining');
    await worker.abandon('second SIGINT'); // the clock does not move
    assert.equal(worker.state, 'stopped');
    assert.equal(worker.abandoned, 3);
    const s = await stats(env.store, 'jobs');
    assert.deepEqual([s.visible, s.inFlight], [3, 0]);
  });

  it('hands back at once what was received but not started (a FIFO group waiting behind its head)', async () => {
    const url = await createQueue(env.store, 'jobs.fifo', {
      FifoQueue: 'true',
      ContentBasedDeduplication: 'true',
    });
    await send(env.store, url, bodies(5), () => ({ MessageGroupId: 'g' }));
    const first = gate();
    const started: string[] = [];
    const worker = startWorker(
      defineWorker({
        queue: 'jobs.fifo',
        handler: async (m) => {
          started.push(m.body);
          await first.promise;
        },
      }),
      { client: env.store, clock: env.clock, logger: env.log.logger },
    );
    await until(() => worker.inFlight === 5 && started.length === 1, env.clock);
    const stopping = worker.stop();
    await until(() => worker.inFlight === 1, env.clock, { what: 'the 4 waiting ones handed back' });
    first.open();
    await stopping;
    assert.deepEqual(started, ['m0']);
    const s = await stats(env.store, 'jobs.fifo');
    assert.deepEqual([s.visible, s.inFlight], [4, 0]);
  });

  it('stops through options.signal too, and stop() is idempotent', async () => {
    await createQueue(env.store, 'jobs');
    const controller = new AbortController();
    const worker = startWorker(defineWorker({ queue: 'jobs', handler: () => {} }), {
      client: env.store,
      clock: env.clock,
      logger: env.log.logger,
      signal: controller.signal,
    });
    await worker.ready;
    controller.abort('SIGTERM');
    await worker.done;
    assert.equal(worker.state, 'stopped');
    await worker.stop();
    assert.ok(env.log.lines.some((l) => l.msg === 'worker stopping' && l.reason === 'SIGTERM'));
  });
});
