/** Which config file a command runs when it is given none: the same for every command. */

/** `sluice.config.ts` in the current directory (in this repository, the reference system). */
export const DEFAULT_CONFIG = 'sluice.config.ts';

/**
 * The config path a command was given, or the default.
 *
 * @example
 * configPathOf(args.config); // 'sluice.config.ts' when no path was given
 */
export function configPathOf(value: unknown): string {
  return typeof value === 'string' && value !== '' ? value : DEFAULT_CONFIG;
}
