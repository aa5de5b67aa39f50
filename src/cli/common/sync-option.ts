/**
 * `--sync full|normal` (or SLUICE_SYNC), for the commands that open the file
 * store (`server`, `dev`): how hard each commit is pushed to disk. The flag
 * wins over the variable; neither given, the store's default (full) holds.
 */
import { DEFAULT_SYNCHRONOUS, type Synchronous } from '../../store/sqlite/schema.ts';

export const syncArgs = {
  sync: {
    type: 'string',
    description:
      'full: an acknowledged send survives power loss (an fsync per commit of sends); normal: survives a killed process only, faster (default: SLUICE_SYNC, else full)',
  },
} as const;

const LEVELS: Record<string, Synchronous> = { full: 'FULL', normal: 'NORMAL' };

/**
 * The level asked for, checked once; a bad value throws naming the flag or the variable.
 *
 * @example
 * syncOption({ sync: 'normal' }, process.env); // 'NORMAL'
 */
export function syncOption(args: Record<string, unknown>, env: NodeJS.ProcessEnv): Synchronous {
  const [name, raw] =
    args.sync !== undefined ? ['--sync', String(args.sync)] : ['SLUICE_SYNC', env.SLUICE_SYNC];
  if (raw === undefined || (raw === '' && name === 'SLUICE_SYNC')) return DEFAULT_SYNCHRONOUS;
  const level = LEVELS[raw.toLowerCase()];
  if (!level) throw new Error(`${name} must be full or normal, got "${raw}"`);
  return level;
}
