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

const SUFFIX_EXPONENT: Record<string, number> = { k: 3, m: 6, b: 9 };

/**
 * A number as people write counts and prices: `2800000`, `2_800_000` or
 * `2,800,000` (separators between groups of three), `2.8M`, `600k`, `1.5B`
 * (k, M, B: thousand, million, billion; either case), `0.05`. No sign, no
 * exponent. `fallback` when absent; `positive` refuses 0.
 *
 * @example
 * amountOption({ backlog: '2.8M' }, 'backlog', { example: '2800000 or 2.8M' }); // 2800000
 */
export function amountOption(
  args: Record<string, unknown>,
  name: string,
  options: { example: string; positive?: boolean; fallback?: number },
): number | undefined {
  const raw = args[name];
  if (raw === undefined) return options.fallback;
  const text = String(raw);
  const match = /^(\d{1,3}(?:[_,]\d{3})+|\d+)?(?:\.(\d+))?([kmb])?$/i.exec(text);
  const [, whole, fraction, suffix] = match ?? [];
  const n =
    match && (whole !== undefined || fraction !== undefined)
      ? Number(
          `${(whole ?? '0').replace(/[_,]/g, '')}.${fraction ?? '0'}e${SUFFIX_EXPONENT[suffix?.toLowerCase() ?? ''] ?? 0}`,
        )
      : Number.NaN;
  if (!Number.isFinite(n) || (options.positive === true && n === 0))
    throw new Error(
      `--${name} must be a number ${options.positive ? '> 0' : '≥ 0'} like ${options.example}, got "${text}"`,
    );
  return n;
}
