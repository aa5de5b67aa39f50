import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defineWorker } from '../../src/worker/define.ts';
import { startWorker } from '../../src/worker/worker.ts';
import { bodies, createQueue, send, stats, until, useEnv } from './harness.ts';

describe('worker smoke', () => {
  const env = useEnv();

  it('processes messages and stops', async () => {
    const url = await createQueue(env.store, 'jobs');
    await send(env.store, url, bodies(25));
    const seen: string[] = [];
    const worker = startWorker(defineWorker({ queue: 'jobs', handler: (m) => void seen.push(m.body) }), {
      client: env.store,
      clock: env.clock,
      logger: env.log.logger,
    });
    await until(() => seen.length === 25, env.clock, { stepMs: 5 });
    await until(async () => (await stats(env.store, 'jobs')).inFlight === 0, env.clock, { stepMs: 5 });
    await worker.stop();
    assert.equal(worker.state, 'stopped');
    assert.deepEqual(await stats(env.store, 'jobs'), {
      ...(await stats(env.store, 'jobs')),
      visible: 0,
      inFlight: 0,
    });
  });
});
