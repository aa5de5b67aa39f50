import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { QueueClient } from '../../src/client/queue-client.ts';
import { defineSchedule } from '../../src/scheduler/define.ts';
import { startScheduler } from '../../src/scheduler/scheduler.ts';
import { drain, kit, MINUTE, runFor, silent } from './helpers.ts';

test('noOverlap: a tick is skipped while the previous message is queued or in flight', async () => {
  const k = await kit('2026-06-01T00:00:30Z');
  const s = defineSchedule({
    name: 'sync',
    cron: '* * * * *',
    timezone: 'UTC',
    queue: 'jobs.fifo',
    noOverlap: true,
  });
  const scheduler = startScheduler([s], { client: k.client, clock: k.clock, logger: silent });
  await scheduler.ready;
  await runFor(k.clock, [scheduler], MINUTE, MINUTE); // 00:01 sent
  await runFor(k.clock, [scheduler], MINUTE, MINUTE); // 00:02 skipped: 00:01 still queued
  const { Messages = [] } = await k.client.receiveMessage({ QueueUrl: k.url, VisibilityTimeout: 600 });
  assert.equal(Messages.length, 1);
  await runFor(k.clock, [scheduler], MINUTE, MINUTE); // 00:03 skipped: 00:01 in flight
  await k.client.deleteMessage({ QueueUrl: k.url, ReceiptHandle: Messages[0]?.ReceiptHandle ?? '' });
  await runFor(k.clock, [scheduler], MINUTE, MINUTE); // 00:04 sent: the run finished
  await scheduler.stop();
  assert.deepEqual(
    (await drain(k.client, k.url)).map((m) => m.scheduledAt),
    ['2026-06-01T00:04:00.000Z'],
  );
  await k.close();
});

test('trigger sends one message now, each time, outside the cron and its dedup', async () => {
  const k = await kit('2026-06-01T12:00:00Z');
  const s = defineSchedule({
    name: 'nightly',
    cron: '0 2 * * *',
    timezone: 'UTC',
    queue: 'jobs.fifo',
    body: { a: 1 },
  });
  const scheduler = startScheduler([s], { client: k.client, clock: k.clock, logger: silent });
  await scheduler.ready;
  const first = await scheduler.trigger('nightly');
  await scheduler.trigger('nightly');
  assert.equal(first.scheduledAt.toISOString(), '2026-06-01T12:00:00.000Z');
  await assert.rejects(scheduler.trigger('nope'), /no schedule named nope/);
  await scheduler.stop();
  const sent = await drain(k.client, k.url);
  assert.deepEqual(
    sent.map((m) => [m.body, m.trigger]),
    [
      ['{"a":1}', 'manual'],
      ['{"a":1}', 'manual'],
    ],
  );
  await k.close();
});

test('build gets the tick; a build that throws skips its tick and the schedule goes on', async () => {
  const k = await kit('2026-06-01T00:00:30Z');
  let calls = 0;
  const s = defineSchedule({
    name: 'built',
    cron: '* * * * *',
    timezone: 'Europe/Paris',
    queue: 'jobs.fifo',
    build: (tick) => {
      calls += 1;
      if (calls === 1) throw new Error('boom');
      return { at: tick.scheduledAt.toISOString(), zone: tick.zone, name: tick.name };
    },
  });
  const scheduler = startScheduler([s], { client: k.client, clock: k.clock, logger: silent });
  await scheduler.ready;
  await runFor(k.clock, [scheduler], 2 * MINUTE, MINUTE);
  await scheduler.stop();
  const sent = await drain(k.client, k.url);
  assert.deepEqual(
    sent.map((m) => JSON.parse(m.body)),
    [{ at: '2026-06-01T00:02:00.000Z', zone: 'Europe/Paris', name: 'built' }],
  );
  await k.close();
});

test('a failed send is retried, and the tick is still sent within the grace', async () => {
  const k = await kit('2026-06-01T00:00:30Z');
  let failures = 2;
  const flaky: QueueClient = {
    ...k.client,
    sendMessage: (input) =>
      failures-- > 0 ? Promise.reject(new Error('network down')) : k.client.sendMessage(input),
  };
  const s = defineSchedule({
    name: 'retry',
    cron: '* * * * *',
    timezone: 'UTC',
    queue: 'jobs.fifo',
    catchUp: 'skip',
  });
  const scheduler = startScheduler([s], { client: flaky, clock: k.clock, logger: silent, retryMs: 5000 });
  await scheduler.ready;
  await runFor(k.clock, [scheduler], 30_000 + 15_000, 5000);
  await scheduler.stop();
  assert.deepEqual(
    (await drain(k.client, k.url)).map((m) => m.scheduledAt),
    ['2026-06-01T00:01:00.000Z'],
  );
  await k.close();
});

test('nextRuns gives each schedule’s next tick', async () => {
  const k = await kit('2026-03-07T12:00:00Z');
  const s = defineSchedule({
    name: 'nightly',
    cron: '0 2 * * *',
    timezone: 'America/New_York',
    queue: 'jobs.fifo',
  });
  const scheduler = startScheduler([s], { client: k.client, clock: k.clock, logger: silent });
  assert.deepEqual(scheduler.nextRuns(), [
    {
      name: 'nightly',
      timezone: 'America/New_York',
      queue: 'jobs.fifo',
      next: new Date('2026-03-08T07:00:00Z'),
    },
  ]);
  await scheduler.stop();
  assert.throws(
    () => startScheduler([s, s], { client: k.client, clock: k.clock, logger: silent }),
    /defined twice/,
  );
  await k.close();
});
