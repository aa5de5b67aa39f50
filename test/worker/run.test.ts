/** runWorkers: the environment read once, health, metrics, the stats line, and a drain on SIGTERM. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defineWorker } from '../../src/worker/define.ts';
import { runWorkers } from '../../src/worker/run.ts';
import { bodies, createQueue, send, stats, until, useEnv } from './harness.ts';

describe('runWorkers', () => {
  const env = useEnv();

  const baseEnv = { WORKER_HEALTH_PORT: '0', WORKER_ID: 'w-test' };

  it('refuses a bad environment at once, naming the variable', async () => {
    const def = defineWorker({ queue: 'jobs', handler: () => {} });
    await assert.rejects(
      runWorkers([def], { env: { ...baseEnv, WORKER_CONCURRENCY: 'abc' }, client: env.store }),
      {
        message: 'WORKER_CONCURRENCY must be an integer 1–10000, got "abc"',
      },
    );
    await assert.rejects(
      runWorkers([def], { env: { ...baseEnv, WORKER_VISIBILITY_TIMEOUT: '0' }, client: env.store }),
      { message: 'WORKER_VISIBILITY_TIMEOUT must be an integer 1–43200, got 0' },
    );
  });

  it('runs the workers with env settings where the definition sets none; health, metrics, stats; drains on SIGTERM', async () => {
    const url = await createQueue(env.store, 'jobs');
    await createQueue(env.store, 'other');
    await send(env.store, url, bodies(20));
    let processed = 0;
    const lines: string[] = [];
    const running = await runWorkers(
      [
        defineWorker({ queue: 'jobs', handler: () => void processed++ }),
        defineWorker({ queue: 'other', concurrency: 2, handler: () => {} }),
      ],
      {
        env: { ...baseEnv, WORKER_CONCURRENCY: '3', WORKER_BATCH_SIZE: '2' },
        client: env.store,
        clock: env.clock,
        logger: env.log.logger,
        writeStats: (l) => void lines.push(l),
      },
    );
    try {
      const [jobs, other] = running.workers;
      assert.ok(jobs && other);
      assert.deepEqual([jobs.settings.concurrency, jobs.settings.batchSize], [3, 2]);
      assert.deepEqual([other.settings.concurrency, other.settings.batchSize], [2, 2]);
      await until(() => jobs.state === 'running' && other.state === 'running', env.clock);
      await until(() => processed === 20, env.clock, { stepMs: 5 });

      const get = async (path: string) => {
        const res = await fetch(`${running.health.url}${path}`);
        return { status: res.status, body: await res.text() };
      };
      assert.equal((await get('/health')).status, 200);
      assert.equal((await get('/ready')).status, 200);
      const metrics = (await get('/metrics')).body;
      assert.match(metrics, /sluice_messages_processed_total\{queue="jobs",worker_id="w-test"\} 20/);
      assert.match(metrics, /sluice_messages_received_total\{queue="jobs",worker_id="w-test"\} 20/);

      await env.clock.advance(60_000);
      const line = JSON.parse(lines.at(-1) ?? '{}');
      assert.equal(line.workerId, 'w-test');
      assert.equal(line.messagesProcessed, 20);
    } finally {
      const listeners = process.listeners('SIGTERM');
      assert.equal(listeners.length, 1, 'only runWorkers listens to SIGTERM here');
      process.emit('SIGTERM', 'SIGTERM');
      await running.done;
    }
    assert.deepEqual(
      running.workers.map((w) => w.state),
      ['stopped', 'stopped'],
    );
    assert.equal(process.listeners('SIGTERM').length, 0);
    const s = await stats(env.store, 'jobs');
    assert.deepEqual([s.visible, s.inFlight], [0, 0]);
    assert.ok(env.log.lines.some((l) => l.msg === 'signal received; draining' && l.signal === 'SIGTERM'));
  });
});
