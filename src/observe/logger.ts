/**
 * The one logger factory: pino, JSON, one object per line. The worker binds
 * context with children — `logger.child({ queue, workerId })` per worker and
 * `.child({ messageId })` per message — so every line says where it came from.
 */
import { hostname } from 'node:os';
import { type DestinationStream, type Logger, pino } from 'pino';

export type { DestinationStream, Logger };

export interface LoggerOptions {
  /** pino level name (`trace` … `fatal`, or `silent`); defaults to `info`. An unknown name throws a RangeError. */
  level?: string;
  /** Where lines go; defaults to stdout. */
  destination?: DestinationStream;
  /** Fields on every line; merged over `{ pid, hostname }`. */
  base?: Record<string, unknown>;
}

/**
 * Creates a pino logger writing JSON lines. Levels are written as names
 * (`"level":"info"`), not pino's numbers, because log platforms (CloudWatch,
 * Loki, Datadog) filter on the name without a mapping; `time` stays epoch ms.
 *
 * @example
 * const logger = createLogger({ level: 'debug', base: { service: 'billing' } });
 * const log = logger.child({ queue: 'jobs', workerId: 'w-1' });
 * log.child({ messageId: 'abc' }).info('handled');
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? 'info';
  // pino's own refusal ("default level:x must be included in custom levels") misleads; say it plainly.
  if (level !== 'silent' && !Object.hasOwn(pino.levels.values, level)) {
    const names = [...Object.keys(pino.levels.values), 'silent'].join(', ');
    throw new RangeError(`unknown log level "${level}" (expected one of ${names})`);
  }
  const config = {
    level,
    base: { pid: process.pid, hostname: hostname(), ...options.base },
    formatters: { level: (label: string) => ({ level: label }) },
  };
  return options.destination ? pino(config, options.destination) : pino(config);
}
