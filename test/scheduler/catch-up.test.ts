import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type CatchUp, defineSchedule } from '../../src/scheduler/define.ts';
import { startScheduler } from '../../src/scheduler/scheduler.ts';
import { tagKey } from '../../src/scheduler/send.ts';
import { DAY, drain, type Kit, kit, MINUTE, runFor, silent } from './helpers.ts';

const nightly = (catchUp: CatchUp, misfireGraceMs?: number) =>
  defineSchedule({
    name: 'nightly',
    cron: '0 2 * * *',
    timezone: 'UTC',
    queue: 'jobs.fifo',
    catchUp,
    ...(misfireGraceMs === undefined ? {} : { misfireGraceMs }),
  });

/** Runs one day (one tick at 02:00), stops, stays down `downMs`, starts again: what does the restart send? */
async function restartAfter(
  k: Kit,
  catchUp: CatchUp,
  downMs: number,
  misfireGraceMs?: number,
): Promise<string[]> {
  const first = startScheduler([nightly(catchUp, misfireGraceMs)], {
    client: k.client,
    clock: k.clock,
    logger: silent,
  });
  await first.ready;
  await runFor(k.clock, [first], DAY);
  await first.stop();
  assert.equal((await drain(k.client, k.url)).length, 1, 'the first day sends its tick');
  k.clock.set(k.clock.now() + downMs);
  const second = startScheduler([nightly(catchUp, misfireGraceMs)], {
    client: k.client,
    clock: k.clock,
    logger: silent,
  });
  await second.ready;
  await second.stop();
  return (await drain(k.client, k.url)).map((m) => m.scheduledAt);
}

test('the last tick is kept in a queue tag', async () => {
  const k = await kit('2026-06-01T00:00:00Z');
  const s = startScheduler([nightly('once')], { client: k.client, clock: k.clock, logger: silent });
  await s.ready;
  await runFor(k.clock, [s], DAY);
  await s.stop();
  const { Tags } = await k.client.listQueueTags({ QueueUrl: k.url });
  assert.equal(Tags?.[tagKey('nightly')], '2026-06-01T02:00:00.000Z');
  await k.close();
});

test('catchUp skip: five missed nights send nothing', async () => {
  const k = await kit('2026-06-01T00:00:00Z');
  assert.deepEqual(await restartAfter(k, 'skip', 5 * DAY), []);
  await k.close();
});

test('catchUp once: five missed nights send one message, for the newest', async () => {
  const k = await kit('2026-06-01T00:00:00Z');
  assert.deepEqual(await restartAfter(k, 'once', 5 * DAY), ['2026-06-06T02:00:00.000Z']);
  await k.close();
});

test('catchUp all: five missed nights send five messages, in order', async () => {
  const k = await kit('2026-06-01T00:00:00Z');
  const sent = await restartAfter(k, 'all', 5 * DAY);
  assert.deepEqual(
    sent,
    [2, 3, 4, 5, 6].map((d) => `2026-06-0${d}T02:00:00.000Z`),
  );
  await k.close();
});

test('misfire grace: a tick 30 s late is on time even with catchUp skip', async () => {
  const k = await kit('2026-06-01T00:00:00Z');
  // Down from 2026-06-02T00:00 to 02:00:30: the 02:00 tick is 30 s late, inside the 60 s grace.
  assert.deepEqual(await restartAfter(k, 'skip', 2 * 60 * MINUTE + 30_000), ['2026-06-02T02:00:00.000Z']);
  await k.close();
});

test('misfire grace: a tick 90 s late is a misfire, skipped by catchUp skip', async () => {
  const k = await kit('2026-06-01T00:00:00Z');
  assert.deepEqual(await restartAfter(k, 'skip', 2 * 60 * MINUTE + 90_000), []);
  await k.close();
});

test('misfire grace is the schedule’s: 5 minutes makes a 4-minute-late tick on time', async () => {
  const k = await kit('2026-06-01T00:00:00Z');
  assert.deepEqual(await restartAfter(k, 'skip', 2 * 60 * MINUTE + 4 * MINUTE, 5 * MINUTE), [
    '2026-06-02T02:00:00.000Z',
  ]);
  await k.close();
});

test('a new schedule (no tag) catches nothing up', async () => {
  const k = await kit('2026-06-01T12:00:00Z');
  const s = startScheduler([nightly('all')], { client: k.client, clock: k.clock, logger: silent });
  await s.ready;
  await s.stop();
  assert.deepEqual(await drain(k.client, k.url), []);
  await k.close();
});

test('catchUp all sends at most maxCatchUp ticks (the newest), and a long gap costs no more', async () => {
  const k = await kit('2026-06-01T00:00:30Z');
  const every = defineSchedule({
    name: 'often',
    cron: '* * * * * *',
    timezone: 'UTC',
    queue: 'jobs.fifo',
    catchUp: 'all',
  });
  const first = startScheduler([every], { client: k.client, clock: k.clock, logger: silent });
  await first.ready;
  await runFor(k.clock, [first], 1000, 1000);
  await first.stop();
  await drain(k.client, k.url);
  k.clock.set(k.clock.now() + 30 * DAY); // 2.6 million missed ticks
  const began = performance.now();
  const second = startScheduler([every], { client: k.client, clock: k.clock, logger: silent, maxCatchUp: 5 });
  await second.ready;
  await second.stop();
  assert.ok(performance.now() - began < 2000);
  const sent = (await drain(k.client, k.url)).map((m) => m.scheduledAt);
  assert.deepEqual(
    sent,
    [27, 28, 29, 30, 31].map((s) => `2026-07-01T00:00:${s}.000Z`),
  );
  await k.close();
});
