/**
 * Tick arithmetic, pure: croner computes fire times in the schedule's zone
 * (DST included: a 02:00 job on the spring-forward day fires at 03:00 EDT, the
 * first instant after the gap; on the fall-back day it fires once, at the
 * first 02:00 it meets), and each tick gets its deduplication id and body.
 */
import { createHash } from 'node:crypto';
import { Cron } from 'croner';
import type { Schedule, Tick } from './define.ts';

const crons = new WeakMap<Schedule, Cron>();

function cronOf(schedule: Schedule): Cron {
  let cron = crons.get(schedule);
  if (!cron) {
    cron = new Cron(schedule.cron, { timezone: schedule.timezone, paused: true });
    crons.set(schedule, cron);
  }
  return cron;
}

/** The first tick strictly after `after` (ms since the epoch), or undefined when the expression never fires again. */
export function nextTick(schedule: Schedule, after: number): number | undefined {
  return cronOf(schedule).nextRun(new Date(after))?.getTime();
}

/** The next `count` fire times strictly after `from`. */
export function nextFireTimes(schedule: Schedule, from: Date, count = 1): Date[] {
  return cronOf(schedule).nextRuns(count, from);
}

/**
 * Ticks in (after, until], oldest first, at most `limit` of them (the newest
 * are kept). Walked forwards with croner, the same walk a running scheduler
 * makes, so every replica names a tick by the same instant. When the gap holds
 * more than `limit` ticks, the walk jumps ahead to the newest `limit` (found
 * backwards by croner), so a month of downtime costs no more than a minute.
 */
export function ticksBetween(schedule: Schedule, after: number, until: number, limit: number): number[] {
  const out: number[] = [];
  let jumped = false;
  for (let t = nextTick(schedule, after); t !== undefined && t <= until; t = nextTick(schedule, t)) {
    out.push(t);
    if (out.length <= limit) continue;
    out.shift();
    if (jumped) continue;
    jumped = true;
    const oldest = cronOf(schedule)
      .previousRuns(limit, new Date(until + 1))
      .at(-1)
      ?.getTime();
    if (oldest !== undefined && oldest - 1 > t) {
      out.length = 0;
      t = oldest - 1; // the loop's step finds `oldest` itself next
    }
  }
  return out;
}

/**
 * The tick's MessageDeduplicationId: the same on every replica (it depends on
 * the schedule's name and the tick's instant only), 64 hex characters.
 */
export function dedupId(name: string, scheduledAt: number): string {
  return createHash('sha256')
    .update(`sluice-schedule\n${name}\n${new Date(scheduledAt).toISOString()}`)
    .digest('hex');
}

/** The message body for a tick: `build(tick)`, else `body`, else `{ schedule, scheduledAt, zone }`. */
export function bodyFor(schedule: Schedule, tick: Tick): string {
  const body = schedule.build
    ? schedule.build(tick)
    : (schedule.body ?? {
        schedule: tick.name,
        scheduledAt: tick.scheduledAt.toISOString(),
        zone: tick.zone,
      });
  return typeof body === 'string' ? body : JSON.stringify(body);
}
