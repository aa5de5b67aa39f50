/**
 * The schedules page's data. Schedules run where a config runs (`sluice dev`,
 * `sluice start`), not in `sluice server`: a process that runs them attaches
 * its scheduler here (ScheduleBoard.attach) and the page shows each one's
 * cron, next fire time in its own time zone and last run, with "run now".
 * Without one (`sluice server` alone) the page says so, and still shows the
 * last ticks that schedulers recorded in queue tags (`sluice:schedule:NAME`,
 * src/scheduler/send.ts), since those live in the store.
 */
import type { RunningScheduler, Schedule } from '../scheduler/index.ts';
import type { Store } from '../store/store.ts';
import { queueTags } from './queue-tags.ts';

export interface ScheduleView {
  name: string;
  /** Unknown (null) for a schedule seen only in a queue tag. */
  cron: string | null;
  timezone: string | null;
  queue: string;
  /** Epoch ms of the next tick; null when it never fires again or is unknown. */
  next: number | null;
  /** The next tick as a wall-clock time in the schedule's zone, e.g. "Tue 3 Dec 2026, 03:00:00 CET". */
  nextInZone: string | null;
  /** Epoch ms of the last tick sent (the queue tag) or of the last run now from here, whichever is later. */
  lastRun: number | null;
}

export interface SchedulesView {
  /** Whether this process runs schedules (and so can run one now). */
  running: boolean;
  note?: string;
  schedules: ScheduleView[];
}

const TAG = 'sluice:schedule:';

const inZone = (at: Date, timeZone: string) =>
  new Intl.DateTimeFormat('en-GB', { timeZone, dateStyle: 'medium', timeStyle: 'long' }).format(at);

/**
 * @example
 * const board = new ScheduleBoard();
 * await startServer({ …, dashboard: { schedules: board } });
 * board.attach(config.schedules, startScheduler(config.schedules, { client }));
 */
export class ScheduleBoard {
  #schedules: readonly Schedule[] = [];
  #scheduler: Pick<RunningScheduler, 'nextRuns' | 'trigger'> | undefined;
  #ranNow = new Map<string, number>();

  attach(schedules: readonly Schedule[], scheduler: Pick<RunningScheduler, 'nextRuns' | 'trigger'>): void {
    this.#schedules = schedules;
    this.#scheduler = scheduler;
  }

  async list(store: Store): Promise<SchedulesView> {
    const lastTicks = await recordedTicks(store);
    const scheduler = this.#scheduler;
    if (!scheduler)
      return {
        running: false,
        note: 'This server runs no schedules: they run where a config runs (sluice dev, sluice start). Last ticks recorded in queue tags are shown.',
        schedules: [...lastTicks].map(([name, { queue, at }]) => ({
          name,
          cron: null,
          timezone: null,
          queue,
          next: null,
          nextInZone: null,
          lastRun: at,
        })),
      };
    const next = new Map(scheduler.nextRuns().map((r) => [r.name, r.next]));
    return {
      running: true,
      schedules: this.#schedules.map((s) => {
        const at = next.get(s.name);
        const last = Math.max(lastTicks.get(s.name)?.at ?? 0, this.#ranNow.get(s.name) ?? 0);
        return {
          name: s.name,
          cron: s.cron,
          timezone: s.timezone,
          queue: s.queue,
          next: at ? at.getTime() : null,
          nextInZone: at ? inZone(at, s.timezone) : null,
          lastRun: last || null,
        };
      }),
    };
  }

  /** Sends the schedule's message now (outside the cron, never deduplicated against a tick). */
  async runNow(name: string, now: number): Promise<{ messageId: string; queue: string }> {
    if (!this.#scheduler) throw new Error('this server runs no schedules');
    const { messageId } = await this.#scheduler.trigger(name);
    this.#ranNow.set(name, now);
    return { messageId, queue: this.#schedules.find((s) => s.name === name)?.queue ?? '' };
  }

  get running(): boolean {
    return this.#scheduler !== undefined;
  }

  has(name: string): boolean {
    return this.#schedules.some((s) => s.name === name);
  }
}

/** The last tick of every schedule that tagged a queue, by schedule name. */
async function recordedTicks(store: Store): Promise<Map<string, { queue: string; at: number }>> {
  const out = new Map<string, { queue: string; at: number }>();
  for (const { queue, tags } of await queueTags(store))
    for (const [key, value] of Object.entries(tags)) {
      const at = Date.parse(value);
      if (key.startsWith(TAG) && Number.isFinite(at)) out.set(key.slice(TAG.length), { queue, at });
    }
  return out;
}
