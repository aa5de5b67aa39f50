/**
 * `sluice schedule list|run`: a config's cron schedules, by hand.
 *
 *   sluice schedule list [config] [--count N]   next fire times, in each schedule's zone
 *   sluice schedule run <name> [config]         send that schedule's message now
 *
 * `config` is a sluice config (default export `defineConfig(...)`, default
 * sluice.config.ts) or any module whose exports include `defineSchedule(...)`
 * results (or arrays of them). A manual run has a unique deduplication id, so
 * it is never swallowed by (nor swallows) a cron tick.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineCommand } from 'citty';
import type { QueueClient } from '../client/queue-client.ts';
import { isConfigDefinition, loadConfig } from '../config/config-file.ts';
import { configPathOf, DEFAULT_CONFIG } from '../config/default-config.ts';
import { importFile } from '../config/import-file.ts';
import { chosenProfile, profileArgs } from '../config/profiles.ts';
import { isSchedule, type Schedule } from '../scheduler/define.ts';
import { queueUrlOf, sendTick } from '../scheduler/send.ts';
import { nextFireTimes } from '../scheduler/ticks.ts';
import { connectionArgs, withClient } from './common/connection.ts';
import { intOption } from './common/options.ts';
import { print, table } from './common/output.ts';

const configArgs = {
  data: {
    type: 'string',
    description: 'Directory for the system’s own local data (for a config)',
    default: 'data',
  },
  ...profileArgs,
} as const;

/** The schedules among a module's exports (each once), in order. */
export function schedulesOf(module: Record<string, unknown>): Schedule[] {
  const found = new Set<Schedule>();
  for (const value of Object.values(module)) {
    for (const item of Array.isArray(value) ? value : [value]) if (isSchedule(item)) found.add(item);
  }
  return [...found];
}

/**
 * Loads the schedules of the config or module the arguments name (with the profile `--env`
 * or SLUICE_ENV chooses), runs `body`, then lets the config shut down.
 */
async function withSchedules<T>(
  args: Record<string, unknown>,
  client: QueueClient,
  body: (schedules: Schedule[]) => Promise<T>,
): Promise<T> {
  const path = configPathOf(args.config);
  const dataDir = String(args.data);
  const profile = chosenProfile(args, process.env);
  const file = resolve(path);
  if (!existsSync(file)) throw new Error(`${path}: no such file`);
  const module = await importFile(file);
  if (!isConfigDefinition(module.default)) {
    const schedules = schedulesOf(module);
    if (schedules.length === 0) throw new Error(`${path} exports no schedule (see defineSchedule)`);
    return body(schedules);
  }
  const config = await loadConfig(path, { dataDir, mode: 'start', client, profile });
  try {
    const schedules = config.schedules.filter(isSchedule);
    if (schedules.length === 0) throw new Error(`${path} declares no schedule`);
    return await body(schedules);
  } finally {
    await config.onShutdown?.();
  }
}

/** An instant as the zone's wall-clock time with its offset, e.g. `2026-03-08 03:00:00 GMT-04:00`. */
export function inZone(date: Date, zone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'longOffset',
  }).formatToParts(date);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}:${get('second')} ${get('timeZoneName')}`;
}

const list = defineCommand({
  meta: { name: 'list', description: 'Show each schedule’s next fire times in its time zone' },
  args: {
    ...connectionArgs,
    ...configArgs,
    config: {
      type: 'positional',
      required: false,
      description: `Config or module (default ${DEFAULT_CONFIG})`,
    },
    count: { type: 'string', description: 'Fire times per schedule (1–20, default 3)' },
  },
  run: ({ args }) =>
    withClient(args, (client, c) =>
      withSchedules(args, client, async (schedules) => {
        const count = intOption(args, 'count', 1, 20, 3) ?? 3;
        const now = new Date();
        const rows = schedules.map((s) => ({
          name: s.name,
          cron: s.cron,
          timezone: s.timezone,
          queue: s.queue,
          catchUp: s.catchUp,
          noOverlap: s.noOverlap,
          next: nextFireTimes(s, now, count),
        }));
        print(
          c.json,
          rows.map((r) => ({ ...r, next: r.next.map((d) => d.toISOString()) })),
          () =>
            table(
              ['SCHEDULE', 'CRON', 'ZONE', 'QUEUE', 'NEXT (LOCAL)'],
              rows.flatMap((r) =>
                (r.next.length ? r.next : [undefined]).map((d, i) =>
                  i === 0
                    ? [r.name, r.cron, r.timezone, r.queue, d ? inZone(d, r.timezone) : 'never']
                    : ['', '', '', '', d ? inZone(d, r.timezone) : ''],
                ),
              ),
            ),
        );
      }),
    ),
});

const run = defineCommand({
  meta: { name: 'run', description: 'Send one schedule’s message now' },
  args: {
    ...connectionArgs,
    ...configArgs,
    name: { type: 'positional', required: true, description: 'Schedule name' },
    config: {
      type: 'positional',
      required: false,
      description: `Config or module (default ${DEFAULT_CONFIG})`,
    },
  },
  run: ({ args }) =>
    withClient(args, (client, c) =>
      withSchedules(args, client, async (schedules) => {
        const name = String(args.name);
        const schedule = schedules.find((s) => s.name === name);
        if (!schedule)
          throw new Error(`no schedule named ${name} (have: ${schedules.map((s) => s.name).join(', ')})`);
        const sent = await sendTick(
          client,
          await queueUrlOf(client, schedule.queue),
          schedule,
          Date.now(),
          true,
        );
        const result = {
          schedule: name,
          queue: schedule.queue,
          messageId: sent.messageId,
          scheduledAt: sent.scheduledAt.toISOString(),
        };
        print(c.json, result, () =>
          table(
            ['SCHEDULE', 'QUEUE', 'MESSAGE ID', 'AT'],
            [[name, schedule.queue, sent.messageId, result.scheduledAt]],
          ),
        );
      }),
    ),
});

export default defineCommand({
  meta: { name: 'schedule', description: 'List a config’s schedules, or run one now' },
  subCommands: { list, run },
});
