/**
 * The one logger factory: pino, one object per line. The worker binds
 * context with children — `logger.child({ queue, workerId })` per worker and
 * `.child({ messageId })` per message — so every line says where it came from.
 *
 * The process's level and format are decided here and only here: LOG_LEVEL
 * and LOG_FORMAT from the environment, overridden by a command's
 * `--log-level` / `--log-format` (configureLogging). The format is JSON lines
 * unless stdout is a terminal, where it is pretty (src/observe/pretty.ts),
 * coloured unless NO_COLOR is set. `sluice scale` hands the same settings to
 * its worker processes through logEnv().
 */
import { hostname } from 'node:os';
import { type DestinationStream, type Logger, pino } from 'pino';
import { formatPretty } from './pretty.ts';

export type { DestinationStream, Logger };

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** How this process logs: decided once at start-up, frozen. */
export interface LogSettings {
  readonly level: string;
  readonly format: LogFormat;
  /** ANSI colours in the pretty format. */
  readonly colour: boolean;
}

export interface LoggerOptions {
  /** pino level name (`trace` … `fatal`, or `silent`); defaults to the process's (LOG_LEVEL, else `info`). An unknown name throws a RangeError. */
  level?: string;
  /** Where lines go (always JSON); defaults to stdout in the process's format. */
  destination?: DestinationStream;
  /** Fields on every line; merged over `{ pid, hostname }`. */
  base?: Record<string, unknown>;
}

/** The flags a command passes: `--log-level`, `--log-format`. */
export interface LogFlags {
  level?: string | undefined;
  format?: string | undefined;
}

function oneOf<T extends string>(allowed: readonly T[], value: string, name: string): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new RangeError(`${name} must be one of ${allowed.join(', ')}, got "${value}"`);
}

/**
 * Settings from the environment and flags (flags win), refused naming the
 * flag or variable that is wrong. Pure: the caller says whether stdout is a terminal.
 *
 * @example
 * logSettingsOf({ LOG_LEVEL: 'debug' }, { format: 'json' }, true); // { level: 'debug', format: 'json', colour: false }
 */
export function logSettingsOf(
  env: Readonly<Record<string, string | undefined>>,
  flags: LogFlags,
  isTerminal: boolean,
): LogSettings {
  const pick = (flag: string | undefined, flagName: string, variable: string) =>
    flag !== undefined
      ? { value: flag, name: flagName }
      : env[variable] !== undefined && env[variable] !== ''
        ? { value: env[variable], name: variable }
        : undefined;
  const level = pick(flags.level, '--log-level', 'LOG_LEVEL');
  const format = pick(flags.format, '--log-format', 'LOG_FORMAT');
  const chosen: LogFormat = format
    ? oneOf(LOG_FORMATS, format.value, format.name)
    : isTerminal
      ? 'pretty'
      : 'json';
  return Object.freeze({
    level: level ? oneOf(LOG_LEVELS, level.value, level.name) : 'info',
    format: chosen,
    // https://no-color.org: set and not empty means no colour.
    colour: chosen === 'pretty' && isTerminal && !env.NO_COLOR,
  });
}

let settings: LogSettings | undefined;

/** The process's settings: those configureLogging set, else the environment's, read once. */
export function logSettings(): LogSettings {
  settings ??= logSettingsOf(process.env, {}, process.stdout.isTTY === true);
  return settings;
}

/**
 * Applies a command's `--log-level` / `--log-format` over the environment for
 * every logger this process makes from now on; throws on a bad value.
 */
export function configureLogging(flags: LogFlags): LogSettings {
  settings = logSettingsOf(process.env, flags, process.stdout.isTTY === true);
  return settings;
}

/** The variables that give a child process the same settings. */
export function logEnv(s: LogSettings = logSettings()): { LOG_LEVEL: string; LOG_FORMAT: LogFormat } {
  return { LOG_LEVEL: s.level, LOG_FORMAT: s.format };
}

/** stdout in the pretty format: pino's JSON line in, one readable line out. */
function prettyStdout(colour: boolean): DestinationStream {
  return { write: (line: string) => void process.stdout.write(formatPretty(line, { colour })) };
}

/**
 * Creates a pino logger. Levels are written as names (`"level":"info"`), not
 * pino's numbers, because log platforms (CloudWatch, Loki, Datadog) filter on
 * the name without a mapping; `time` stays epoch ms.
 *
 * @example
 * const logger = createLogger({ level: 'debug', base: { service: 'billing' } });
 * const log = logger.child({ queue: 'jobs', workerId: 'w-1' });
 * log.child({ messageId: 'abc' }).info('handled');
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? logSettings().level;
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
  if (options.destination) return pino(config, options.destination);
  const { format, colour } = logSettings();
  return format === 'pretty' ? pino(config, prettyStdout(colour)) : pino(config);
}
