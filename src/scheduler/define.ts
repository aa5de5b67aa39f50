/**
 * `defineSchedule`: a cron schedule's options, validated once and frozen. The
 * cron expression and the time zone are checked here (by croner and by Intl),
 * so a bad schedule is refused at load, not at its first tick.
 */
import { Cron } from 'croner';
import { z } from 'zod';

/** What `build` is given for each tick. */
export interface Tick {
  /** The schedule's name. */
  readonly name: string;
  /** The instant the tick was due (not when it was sent); for a manual trigger, the trigger time. */
  readonly scheduledAt: Date;
  /** The schedule's IANA time zone. */
  readonly zone: string;
}

/** A message body: a string as is, anything else as JSON. */
export type ScheduleBody = string | Record<string, unknown> | readonly unknown[];

export type CatchUp = 'skip' | 'once' | 'all';

export interface ScheduleOptions {
  /** Unique among the schedules sharing a queue; letters, digits and `_ . : / = + - @`, at most 80. */
  name: string;
  /** A cron expression (5 fields, or 6 with seconds), read by croner. */
  cron: string;
  /** IANA time zone the expression is read in, e.g. `America/New_York`. */
  timezone: string;
  /** Target FIFO queue (name or URL ending in `.fifo`): the deduplication that keeps replicas to one message per tick. */
  queue: string;
  /** A fixed body; without `body` or `build`, the body is `{ schedule, scheduledAt, zone }` as JSON. */
  body?: ScheduleBody;
  /** Builds each tick's body; wins over `body`. */
  build?: (tick: Tick) => ScheduleBody;
  /** Ticks missed by more than `misfireGraceMs` (downtime): none, the latest, or each in order. Default `once`. */
  catchUp?: CatchUp;
  /** A tick at most this late is on time and always sent. Default 60 000 (1 minute). */
  misfireGraceMs?: number;
  /** Skip a tick while the queue still holds a message (visible, delayed or in flight). Default false. */
  noOverlap?: boolean;
}

const BRAND: unique symbol = Symbol.for('sluice.schedule');

export interface Schedule {
  readonly [BRAND]: true;
  readonly name: string;
  readonly cron: string;
  readonly timezone: string;
  readonly queue: string;
  readonly body: ScheduleBody | undefined;
  readonly build: ((tick: Tick) => ScheduleBody) | undefined;
  readonly catchUp: CatchUp;
  readonly misfireGraceMs: number;
  readonly noOverlap: boolean;
}

export const DEFAULT_MISFIRE_GRACE_MS = 60_000;

const fn = z.custom<(tick: Tick) => ScheduleBody>((v) => typeof v === 'function', { error: 'a function' });

function isZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function cronError(pattern: string, timezone: string): string | undefined {
  try {
    new Cron(pattern, { timezone, paused: true });
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/** The queue name of a name or URL (the URL's last path segment). */
export function queueNameOf(queue: string): string {
  return /^https?:\/\//.test(queue) ? (new URL(queue).pathname.split('/').pop() ?? '') : queue;
}

const optionsSchema = z
  .strictObject({
    name: z.string({ error: 'a string' }).regex(/^[A-Za-z0-9_.:/=+\-@]{1,80}$/, {
      error: 'letters, digits and _ . : / = + - @, 1–80 characters',
    }),
    cron: z.string({ error: 'a cron expression' }).min(1, { error: 'a cron expression' }),
    timezone: z.string({ error: 'an IANA time zone' }).refine(isZone, { error: 'an IANA time zone' }),
    queue: z
      .string({ error: 'a FIFO queue name or URL' })
      .refine((q) => q !== '' && queueNameOf(q).endsWith('.fifo'), {
        error:
          'a FIFO queue name or URL (ending in .fifo): its deduplication keeps replicas to one message per tick',
      }),
    body: z
      .union([z.string(), z.array(z.unknown()), z.record(z.string(), z.unknown())], {
        error: 'a string or a JSON object',
      })
      .optional(),
    build: fn.optional(),
    catchUp: z.enum(['skip', 'once', 'all'], { error: '"skip", "once" or "all"' }).optional(),
    misfireGraceMs: z
      .int({ error: 'an integer 0–86400000' })
      .min(0, { error: 'an integer 0–86400000' })
      .max(86_400_000, { error: 'an integer 0–86400000' })
      .optional(),
    noOverlap: z.boolean({ error: 'true or false' }).optional(),
  })
  .check((ctx) => {
    const { cron, timezone } = ctx.value;
    const why = cronError(cron, timezone);
    if (why !== undefined)
      ctx.issues.push({ code: 'custom', input: cron, path: ['cron'], message: `a cron expression (${why})` });
  });

/**
 * Declares a cron schedule that sends one message to a FIFO queue per tick.
 * Validated once (a bad value throws a TypeError naming it) and frozen.
 *
 * @example
 * const nightly = defineSchedule({
 *   name: 'cost-collection',
 *   cron: '0 2 * * *', // every day at 02:00 …
 *   timezone: 'America/New_York', // … New York time, DST included
 *   queue: 'cost-collection.fifo',
 *   build: (tick) => ({ day: tick.scheduledAt.toISOString().slice(0, 10) }),
 * });
 */
export function defineSchedule(options: ScheduleOptions): Schedule {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    const where = typeof options?.name === 'string' ? `schedule ${options.name}: ` : 'schedule: ';
    const lines = parsed.error.issues.map((issue) => {
      if (issue.code === 'unrecognized_keys') return `${where}${issue.message}`;
      const path = issue.path.map(String).join('.') || '(options)';
      // zod leaves `input` off refinement issues: read the value at the issue's path.
      const input =
        'input' in issue && issue.input !== undefined ? issue.input : valueAt(options, issue.path);
      const got = input !== undefined && typeof input !== 'function' ? `, got ${JSON.stringify(input)}` : '';
      return `${where}${path} must be ${issue.message}${got}`;
    });
    throw new TypeError(lines.join('\n'));
  }
  const o = parsed.data;
  return Object.freeze({
    [BRAND]: true as const,
    name: o.name,
    cron: o.cron,
    timezone: o.timezone,
    queue: o.queue,
    body: o.body === undefined ? undefined : (Object.freeze(structuredClone(o.body)) as ScheduleBody),
    build: o.build,
    catchUp: o.catchUp ?? 'once',
    misfireGraceMs: o.misfireGraceMs ?? DEFAULT_MISFIRE_GRACE_MS,
    noOverlap: o.noOverlap ?? false,
  });
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const key of path)
    value =
      typeof value === 'object' && value !== null ? (value as Record<PropertyKey, unknown>)[key] : undefined;
  return value;
}

/** True for a value made by `defineSchedule` (in this or another copy of sluice). */
export function isSchedule(value: unknown): value is Schedule {
  return typeof value === 'object' && value !== null && (value as Partial<Schedule>)[BRAND] === true;
}
