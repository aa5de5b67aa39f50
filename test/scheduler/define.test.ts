import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defineSchedule, isSchedule, type ScheduleOptions } from '../../src/scheduler/define.ts';
import { nextFireTimes } from '../../src/scheduler/ticks.ts';

const good: ScheduleOptions = {
  name: 'nightly',
  cron: '0 2 * * *',
  timezone: 'America/New_York',
  queue: 'jobs.fifo',
};

test('defineSchedule fills defaults and freezes', () => {
  const s = defineSchedule(good);
  assert.equal(s.catchUp, 'once');
  assert.equal(s.misfireGraceMs, 60_000);
  assert.equal(s.noOverlap, false);
  assert.ok(Object.isFrozen(s));
  assert.ok(isSchedule(s));
  assert.ok(!isSchedule({ ...good }));
});

test('defineSchedule refuses bad values, naming them', () => {
  const cases: [Partial<ScheduleOptions> & Record<string, unknown>, RegExp][] = [
    [
      { queue: 'jobs' },
      /schedule nightly: queue must be a FIFO queue name or URL \(ending in \.fifo\).*got "jobs"/,
    ],
    [{ cron: '0 25 * * *' }, /cron must be a cron expression/],
    [{ timezone: 'Mars/Olympus' }, /timezone must be an IANA time zone, got "Mars\/Olympus"/],
    [{ catchUp: 'twice' as never }, /catchUp must be "skip", "once" or "all"/],
    [{ misfireGraceMs: -1 }, /misfireGraceMs must be an integer/],
    [{ name: 'has space' }, /name must be letters, digits/],
    [{ extra: 1 }, /Unrecognized key/],
  ];
  for (const [change, message] of cases) {
    assert.throws(() => defineSchedule({ ...good, ...change } as ScheduleOptions), {
      name: 'TypeError',
      message,
    });
  }
});

test('a queue URL ending in .fifo is accepted', () => {
  const s = defineSchedule({ ...good, queue: 'http://127.0.0.1:9324/000000000000/jobs.fifo' });
  assert.equal(s.queue, 'http://127.0.0.1:9324/000000000000/jobs.fifo');
});

test('nextFireTimes reads the expression in the zone', () => {
  const s = defineSchedule(good);
  assert.deepEqual(
    nextFireTimes(s, new Date('2026-10-31T12:00:00Z'), 2).map((d) => d.toISOString()),
    ['2026-11-01T07:00:00.000Z', '2026-11-02T07:00:00.000Z'],
  );
});
