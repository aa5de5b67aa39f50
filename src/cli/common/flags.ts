/**
 * Every option on a command line must be one its command declares: a typo
 * (`sluice server --memroy`) is refused before the command runs, naming the
 * option and the nearest known one, instead of being ignored (and the server
 * running on disk). citty itself accepts anything.
 *
 * What is accepted, as citty parses it: `--name`, `--name=value`, `--no-name`
 * for a boolean, the camelCase or kebab-case spelling of a declared name, its
 * aliases, one-letter aliases (`-x`, grouped `-xy`), and anything after `--`.
 * A string option's value is skipped (`--data --odd-dir-name`).
 */
import type { ArgsDef } from 'citty';
import { type Chain, findOption, findShort, type Level, takesValue } from './chain.ts';

/** `sluice: unknown option …` for the first undeclared option in the chain, or undefined. */
export function unknownOption(chain: Chain): string | undefined {
  const names: string[] = [];
  for (const level of chain.levels) {
    names.push(level.name);
    const bad = firstUnknown(level);
    if (bad === undefined) continue;
    const near = bad.startsWith('--') ? nearest(bad.slice(2), level.args) : undefined;
    return `unknown option ${bad} for "${names.join(' ')}"${near ? ` (did you mean --${near}?)` : ''}`;
  }
  return undefined;
}

function firstUnknown(level: Level): string | undefined {
  const { own, args } = level;
  for (let i = 0; i < own.length; i++) {
    const arg = own[i]!;
    if (arg === '--') return undefined;
    // Positionals, a lone `-` (stdin), negative numbers, and help (handled before this check).
    if (!arg.startsWith('-') || arg === '-' || /^-\d/.test(arg) || arg === '--help' || arg === '-h') continue;
    if (arg.startsWith('--')) {
      const flag = arg.slice(2).split('=', 1)[0]!;
      const found = findOption(args, flag);
      if (found) {
        if (takesValue(found[1]) && !arg.includes('=')) i++;
        continue;
      }
      if (flag.startsWith('no-') && findOption(args, flag.slice(3))?.[1].type === 'boolean') continue;
      return `--${flag}`;
    }
    const letters = [...arg.slice(1)];
    for (const [j, letter] of letters.entries()) {
      const def = findShort(args, letter);
      if (!def) return `-${letter}`;
      if (takesValue(def)) {
        if (j === letters.length - 1) i++; // `-n 5`; `-n5` carries its value
        break;
      }
    }
  }
  return undefined;
}

/** The declared option closest to `flag`: within 2 edits, else one it starts (`--end` → `--endpoint`). */
export function nearest(flag: string, args: ArgsDef): string | undefined {
  const known = Object.entries(args).flatMap(([name, def]) =>
    def.type === 'positional' ? [] : def.type === 'boolean' ? [name, `no-${name}`] : [name],
  );
  let best: string | undefined;
  let bestDistance = 3;
  for (const name of known) {
    const d = distance(flag, name);
    if (d < bestDistance) [best, bestDistance] = [name, d];
  }
  return (
    best ?? known.filter((n) => flag.length >= 2 && n.startsWith(flag)).sort((a, b) => a.length - b.length)[0]
  );
}

/** Levenshtein distance. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min(
        previous[j]! + 1,
        row[j - 1]! + 1,
        previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    previous = row;
  }
  return previous[b.length]!;
}
