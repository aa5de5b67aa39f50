import assert from 'node:assert/strict';
import { test } from 'node:test';
import { awsClient } from '../../src/client/aws.ts';
import { defineSchedule } from '../../src/scheduler/define.ts';
import { startScheduler } from '../../src/scheduler/scheduler.ts';
import { ManualClock } from '../../src/time/clock.ts';
import { CREDENTIALS, startTestServer } from '../server/harness.ts';
import { drain, HOUR, kit, MINUTE, runFor, silent } from './helpers.ts';

const every5 = defineSchedule({ name: 'report', cron: '*/5 * * * *', timezone: 'UTC', queue: 'jobs.fifo' });

test('three replicas on one store: each tick becomes one message', async () => {
  const k = await kit('2026-06-01T00:00:30Z');
  const replicas = [1, 2, 3].map(() =>
    startScheduler([every5], { client: k.client, clock: k.clock, logger: silent }),
  );
  await Promise.all(replicas.map((r) => r.ready));
  await runFor(k.clock, replicas, HOUR, MINUTE);
  await Promise.all(replicas.map((r) => r.stop()));
  const sent = await drain(k.client, k.url);
  assert.equal(sent.length, 12);
  assert.equal(new Set(sent.map((m) => m.scheduledAt)).size, 12);
  await k.close();
});

test('three replicas over HTTP, clocks a few seconds apart: one tick, one message', async () => {
  const server = await startTestServer();
  try {
    const client = awsClient({ endpoint: server.url, region: 'us-east-1', credentials: CREDENTIALS });
    const { QueueUrl } = await client.createQueue({
      QueueName: 'jobs.fifo',
      Attributes: { FifoQueue: 'true' },
    });
    const everyMinute = defineSchedule({
      name: 'ping',
      cron: '* * * * *',
      timezone: 'UTC',
      queue: 'jobs.fifo',
    });
    // The server keeps real time (its 5-minute dedup window); each replica has its own clock, skewed by 0, 2 and 4 s.
    const base = Math.floor(Date.now() / MINUTE) * MINUTE + 1000;
    const clocks = [0, 2000, 4000].map((skew) => new ManualClock(base + skew));
    const replicas = clocks.map((clock) => startScheduler([everyMinute], { client, clock, logger: silent }));
    await Promise.all(replicas.map((r) => r.ready));
    for (const clock of clocks) await clock.advance(MINUTE);
    await Promise.all(replicas.map((r) => r.idle()));
    await Promise.all(replicas.map((r) => r.stop()));
    const sent = await drain(client, QueueUrl);
    assert.equal(sent.length, 1);
    assert.equal(sent[0]?.scheduledAt, new Date(base - 1000 + MINUTE).toISOString());
    await client.close();
  } finally {
    await server.close();
  }
});
