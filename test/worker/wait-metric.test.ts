/**
 * Waiting time as a worker metric: `sluice_message_wait_seconds` observes, for
 * each message's first delivery, the time from its SentTimestamp to the start
 * of its handler — on the real store, the clock moved by the test.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { createWorkerMetrics } from '../../src/observe/metrics.ts';
import { defineWorker } from '../../src/worker/define.ts';
import { startWorker } from '../../src/worker/worker.ts';
import { createQueue, gate, send, until, useEnv } from './harness.ts';

/** The wait histogram's samples for queue `jobs`: count, sum and the cumulative count at each bound. */
async function waits(registry: Registry) {
  const metric = registry.getSingleMetric('sluice_message_wait_seconds');
  assert.ok(metric, 'sluice_message_wait_seconds is registered');
  // A histogram's values name their series (_bucket, _sum, _count).
  const { values } = (await metric.get()) as {
    values: { metricName?: string; labels: Record<string, string | number>; value: number }[];
  };
  const of = (name: string, le?: number) =>
    values.find(
      (v) => v.metricName === name && v.labels.queue === 'jobs' && (le === undefined || v.labels.le === le),
    )?.value;
  return {
    count: of('sluice_message_wait_seconds_count'),
    sum: of('sluice_message_wait_seconds_sum'),
    le: (bound: number) => of('sluice_message_wait_seconds_bucket', bound),
  };
}

describe('sluice_message_wait_seconds', () => {
  const env = useEnv();

  it('observes SentTimestamp → handler start, waits behind a busy slot included, first deliveries only', async () => {
    const url = await createQueue(env.store, 'jobs');
    await send(env.store, url, ['first', 'second']);
    await env.clock.advance(1500); // both wait 1.5 s before any worker runs

    const registry = new Registry();
    const metrics = createWorkerMetrics(registry);
    const started: string[] = [];
    const firstGate = gate();
    let failOnce = true;
    const worker = startWorker(
      defineWorker({
        queue: 'jobs',
        concurrency: 1,
        batchSize: 1,
        backoff: { baseSeconds: 1, maxSeconds: 1 },
        handler: async (m) => {
          started.push(m.body);
          if (m.body === 'first') await firstGate.promise;
          if (m.body === 'third' && failOnce) {
            failOnce = false;
            throw new Error('fails on its first delivery');
          }
        },
      }),
      { client: env.store, clock: env.clock, logger: env.log.logger, metrics },
    );

    await until(() => started.length === 1, env.clock, { what: 'the first handler' });
    let w = await waits(registry);
    assert.equal(w.count, 1);
    assert.equal(w.sum, 1.5);
    // 'second' waits in the queue while the only slot is busy, 3 s more.
    await env.clock.advance(3000);
    firstGate.open();
    await until(() => started.length === 2, env.clock, { what: 'the second handler' });
    w = await waits(registry);
    assert.equal(w.count, 2);
    assert.equal(w.sum, 1.5 + 4.5);
    assert.equal(w.le(1), 0);
    assert.equal(w.le(2), 1);
    assert.equal(w.le(5), 2);

    // A retried message counts once: its second start waits on the backoff, not on capacity.
    await send(env.store, url, ['third']);
    await until(() => started.filter((b) => b === 'third').length === 2, env.clock, {
      stepMs: 100,
      what: 'the retry of the third message',
    });
    w = await waits(registry);
    assert.equal(w.count, 3);
    await worker.stop();
  });
});
