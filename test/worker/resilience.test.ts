/** Nothing a callback throws, and no network error, stops the poll loop. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { defineWorker } from '../../src/worker/define.ts';
import { startWorker, type WorkerMetricsSink } from '../../src/worker/worker.ts';
import { bodies, createQueue, recording, send, stats, until, useEnv } from './harness.ts';

describe('resilience', () => {
  const env = useEnv();

  it('a handler that throws non-Errors (or throws synchronously) only fails that message', async () => {
    const url = await createQueue(env.store, 'jobs');
    await send(env.store, url, bodies(5));
    const thrown: unknown[] = ['text', undefined, null, { code: 42 }, 7];
    let ok = 0;
    const worker = startWorker(
      defineWorker({
        queue: 'jobs',
        handler: (m) => {
          if (m.receiveCount === 1) throw thrown[Number(m.body.slice(1))];
          ok++;
        },
      }),
      { client: env.store, clock: env.clock, logger: env.log.logger, random: () => 0 },
    );
    await until(() => ok === 5, env.clock, { stepMs: 5 });
    const errors = env.log.lines
      .filter((l) => l.msg === 'handler failed; retrying')
      .map((l) => (l.err as { message: string }).message);
    assert.deepEqual(
      errors.sort(),
      [
        'non-Error thrown: text',
        'non-Error thrown: 7',
        'non-Error thrown: null',
        'non-Error thrown: undefined',
        'non-Error thrown: {"code":42}',
      ].sort(),
    );
    await worker.stop();
  });

  it('a logger, metrics sink or liveness listener that throws does not stop the loop', async () => {
    const url = await createQueue(env.store, 'jobs');
    await send(env.store, url, bodies(30));
    const logger = pino(
      { level: 'debug' },
      {
        write: () => {
          throw new Error('disk full');
        },
      },
    );
    const boom = () => {
      throw new Error('listener broke');
    };
    const metrics = new Proxy({} as WorkerMetricsSink, { get: () => boom });
    let done = 0;
    const worker = startWorker(
      defineWorker({
        queue: 'jobs',
        handler: (m, ctx) => {
          ctx.log.info('handling');
          if (m.receiveCount === 1 && m.body === 'm3') throw new Error('fails once');
          done++;
        },
      }),
      {
        client: env.store,
        clock: env.clock,
        logger,
        metrics,
        liveness: { receiveCompleted: boom, backlogKnown: boom, saturated: boom },
        random: () => 0,
      },
    );
    await until(() => done === 30, env.clock, { stepMs: 5 });
    await until(async () => (await stats(env.store, 'jobs')).inFlight === 0, env.clock, { stepMs: 5 });
    await worker.stop();
    assert.equal(worker.state, 'stopped');
  });

  it('receive errors back off (growing, with jitter) and the loop recovers', async () => {
    const url = await createQueue(env.store, 'jobs');
    await send(env.store, url, bodies(10));
    let failures = 6;
    const rec = recording(env.store, (action) => {
      if (action === 'receiveMessage' && failures-- > 0)
        throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    });
    let done = 0;
    const worker = startWorker(defineWorker({ queue: 'jobs', handler: () => void done++ }), {
      client: rec.client,
      clock: env.clock,
      logger: env.log.logger,
      random: () => 1,
    });
    await until(() => rec.count('receiveMessage') === 1, env.clock);
    // After the first failure nothing is retried until the backoff (100 ms, then 200, 400, …) has passed.
    await env.clock.advance(99);
    assert.equal(rec.count('receiveMessage'), 1);
    await until(() => done === 10, env.clock, { stepMs: 50 });
    const delays = env.log.lines
      .filter((l) => l.msg === 'receive failed; backing off')
      .map((l) => l.retryInMs);
    assert.deepEqual(delays, [100, 200, 400, 800, 1600, 3200]);
    await worker.stop();
  });

  it('a queue that does not exist yet is retried until it does', async () => {
    const worker = startWorker(defineWorker({ queue: 'later', handler: () => {} }), {
      client: env.store,
      clock: env.clock,
      logger: env.log.logger,
      random: () => 1,
    });
    await until(() => env.log.lines.some((l) => l.msg === 'cannot resolve the queue URL'), env.clock);
    assert.equal(worker.state, 'starting');
    await createQueue(env.store, 'later');
    await until(() => worker.state === 'running', env.clock, { stepMs: 100 });
    await worker.stop();
  });
});
