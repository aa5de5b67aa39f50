import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defineSchedule } from '../../src/scheduler/define.ts';
import { startScheduler } from '../../src/scheduler/scheduler.ts';
import { DAY, drain, kit, local, runFor, silent } from './helpers.ts';

const NY = 'America/New_York';

async function runDays(cron: string, start: string, days: number): Promise<string[]> {
  const k = await kit(start);
  const schedule = defineSchedule({ name: 'nightly', cron, timezone: NY, queue: 'jobs.fifo' });
  const scheduler = startScheduler([schedule], { client: k.client, clock: k.clock, logger: silent });
  await scheduler.ready;
  await runFor(k.clock, [scheduler], days * DAY);
  await scheduler.stop();
  const sent = await drain(k.client, k.url);
  await k.close();
  return sent.map((m) => local(m.scheduledAt, NY));
}

test('spring forward (2026-03-08): a 02:00 job runs exactly once that day, at 03:00 EDT', async () => {
  const runs = await runDays('0 2 * * *', '2026-03-06T12:00:00Z', 4);
  assert.deepEqual(runs, ['2026-03-07 02:00', '2026-03-08 03:00', '2026-03-09 02:00', '2026-03-10 02:00']);
});

test('spring forward: a 02:30 job (inside the gap) runs once that day', async () => {
  const runs = await runDays('30 2 * * *', '2026-03-07T12:00:00Z', 2);
  assert.deepEqual(runs, ['2026-03-08 03:00', '2026-03-09 02:30']);
});

test('fall back (2026-11-01): a 02:00 job runs once that day, not twice', async () => {
  const runs = await runDays('0 2 * * *', '2026-10-30T12:00:00Z', 4);
  assert.deepEqual(runs, ['2026-10-31 02:00', '2026-11-01 02:00', '2026-11-02 02:00', '2026-11-03 02:00']);
});

test('fall back: a 01:30 job (the hour that happens twice) runs once that day', async () => {
  const runs = await runDays('30 1 * * *', '2026-10-31T12:00:00Z', 2);
  assert.deepEqual(runs, ['2026-11-01 01:30', '2026-11-02 01:30']);
});
