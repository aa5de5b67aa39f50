/**
 * `--log-level` and `--log-format`, for every command that runs workers
 * (`dev`, `start`, `worker`, `scale`). They only set what src/observe/logger.ts
 * decides from LOG_LEVEL / LOG_FORMAT: the one place the level and format live.
 */
import { configureLogging, type LogSettings } from '../../observe/logger.ts';

export const logArgs = {
  'log-level': {
    type: 'string',
    description: 'trace, debug, info, warn, error, fatal or silent (default: LOG_LEVEL, else info)',
  },
  'log-format': {
    type: 'string',
    description: 'json or pretty (default: LOG_FORMAT, else pretty on a terminal, JSON otherwise)',
  },
} as const;

/** Applies the flags (over the environment) to this process's loggers; a bad value throws, naming it. */
export function applyLogArgs(args: Record<string, unknown>): LogSettings {
  const given = (name: string) => (args[name] === undefined ? undefined : String(args[name]));
  return configureLogging({ level: given('log-level'), format: given('log-format') });
}
