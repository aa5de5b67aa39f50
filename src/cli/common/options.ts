/** Option values checked once, with the option's name and what was expected in the refusal. */

/** An integer option within [min, max], or `fallback` when absent. */
export function intOption(
  args: Record<string, unknown>,
  name: string,
  min: number,
  max: number,
  fallback?: number,
): number | undefined {
  const raw = args[name];
  if (raw === undefined) return fallback;
  const text = String(raw);
  const n = Number(text);
  if (!/^-?\d+$/.test(text) || n < min || n > max)
    throw new Error(`--${name} must be an integer ${min}–${max}, got "${text}"`);
  return n;
}

/** A string option that must not be empty when given. */
export function stringOption(args: Record<string, unknown>, name: string): string | undefined {
  const raw = args[name];
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || raw === '') throw new Error(`--${name} needs a value`);
  return raw;
}

/**
 * Every value of a repeatable option (`--attr a=1 --attr=b=2`), read from the
 * raw arguments because the parser keeps only the last one.
 */
export function repeated(rawArgs: readonly string[], name: string): string[] {
  const values: string[] = [];
  for (let i = 0; i < rawArgs.length; i++) {
    const arg = rawArgs[i]!;
    if (arg === '--') break;
    if (arg === `--${name}`) {
      const next = rawArgs[i + 1];
      if (next === undefined || next.startsWith('--')) throw new Error(`--${name} needs a value`);
      values.push(next);
      i++;
    } else if (arg.startsWith(`--${name}=`)) values.push(arg.slice(name.length + 3));
  }
  return values;
}
