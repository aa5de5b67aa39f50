/**
 * Environment profiles: one config, several environments. A config's
 * `profiles` section names each environment and what it changes in `scale`
 * and `deploy`; the chosen one (`--env NAME`, else SLUICE_ENV) is merged
 * over the base before the config is checked, so every command that reads
 * the config (dev, start, scale, schedule, deploy, the CDK constructs) sees
 * the same numbers for the same environment. This is the only place a
 * profile is applied.
 *
 *   profiles: { dev: { scale: { min: 1, max: 3 } }, prod: { scale: { min: 1, max: 10 } } }
 *
 * Objects merge key by key (deploy.env, deploy.aws.alarms, …); anything
 * else, arrays included, is replaced. A config without `profiles` is the
 * same in every environment; a name its profiles do not declare is refused.
 */
import type { DeployInput } from '../deploy/settings.ts';
import type { ScalePolicyInput } from '../scale/config.ts';

/** What a profile may change. */
export interface ProfileInput {
  /** Merged over the base `scale`, e.g. `{ min: 1, max: 10 }`. */
  scale?: Partial<ScalePolicyInput>;
  /** Merged over the base `deploy`, e.g. `{ memoryMiB: 2048 }`. */
  deploy?: DeployInput;
}

const PROFILE_NAME = /^[a-z][a-z0-9-]{0,31}$/;
const SECTIONS = ['scale', 'deploy'] as const;

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;

function merge(base: unknown, over: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(over)) return over === undefined ? base : over;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) out[key] = merge(base[key], value);
  return out;
}

/**
 * Where the chosen profile name comes from: the `--env` flag, else SLUICE_ENV; undefined for none.
 *
 * @example
 * chosenProfile({ env: 'prod' }, process.env); // 'prod'
 */
export function chosenProfile(args: Record<string, unknown>, env: NodeJS.ProcessEnv): string | undefined {
  if (typeof args.env === 'string' && args.env !== '') return args.env;
  return env.SLUICE_ENV || undefined;
}

/** The CLI flag each command that reads a config declares. */
export const profileArgs = {
  env: { type: 'string', description: 'The config’s profile to apply, e.g. prod (default SLUICE_ENV)' },
} as const;

/**
 * The config input with profile `name` merged over it (and without `profiles`).
 * Returns problems, one line each, naming the field, instead of throwing.
 *
 * @example
 * applyProfile({ queues: [], scale: { min: 1, max: 3 }, profiles: { prod: { scale: { max: 10 } } } }, 'prod');
 * // { input: { queues: [], scale: { min: 1, max: 10 } }, problems: [] }
 */
export function applyProfile(
  input: unknown,
  name: string | undefined,
): { input: unknown; problems: string[] } {
  if (!isPlainObject(input)) return { input, problems: [] };
  const { profiles, ...base } = input;
  const problems: string[] = [];
  if (profiles !== undefined && !isPlainObject(profiles))
    return { input: base, problems: ['profiles must be an object of profile names to { scale?, deploy? }'] };
  const declared = (profiles ?? {}) as Record<string, unknown>;
  for (const [key, profile] of Object.entries(declared)) {
    if (!PROFILE_NAME.test(key))
      problems.push(
        `profiles.${key}: a profile name is lowercase letters, digits and -, starting with a letter`,
      );
    if (!isPlainObject(profile)) {
      problems.push(`profiles.${key} must be an object { scale?, deploy? }`);
      continue;
    }
    const unknown = Object.keys(profile).filter((k) => !(SECTIONS as readonly string[]).includes(k));
    if (unknown.length > 0)
      problems.push(
        `profiles.${key}: unknown field${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k}"`).join(', ')} (a profile sets scale and deploy)`,
      );
  }
  // A config without profiles is the same in every environment (SLUICE_ENV may be set for others).
  if (problems.length > 0 || name === undefined || profiles === undefined) return { input: base, problems };
  const profile = declared[name];
  if (!isPlainObject(profile)) {
    const names = Object.keys(declared);
    return {
      input: base,
      problems: [`--env ${name}: no such profile (the config declares ${names.join(', ') || 'none'})`],
    };
  }
  const merged: Record<string, unknown> = { ...base };
  for (const section of SECTIONS)
    if (profile[section] !== undefined) merged[section] = merge(base[section], profile[section]);
  return { input: merged, problems };
}
