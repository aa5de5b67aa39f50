/**
 * Which command a command line names: `sluice queues create jobs --fifo` is
 * the chain sluice → queues → create, and each level owns the arguments
 * between its name and the next level's (the last one owns the rest, up to
 * `--`). Subcommands are found as citty finds them (a flag that takes a value
 * swallows the next argument), so the chain here is the one citty runs.
 */
import type { ArgDef, ArgsDef, CommandDef, CommandMeta, Resolvable } from 'citty';

export interface Level {
  /** The name as typed: `sluice`, `queues`, `create`. */
  readonly name: string;
  readonly command: CommandDef;
  readonly args: ArgsDef;
  /** The arguments this level parses (never anything from `--` on). */
  readonly own: readonly string[];
}

export interface Chain {
  readonly levels: readonly [Level, ...Level[]];
  /** A subcommand name that the last level does not have (citty refuses it). */
  readonly unknownCommand?: string;
}

export async function resolve<T>(value: Resolvable<T>): Promise<T> {
  return typeof value === 'function' ? await (value as () => T | Promise<T>)() : await value;
}

/** `auth-file`, `authFile` and `auth_file` are one option to citty. */
export const camel = (name: string): string =>
  name.replace(/[-_]+([a-zA-Z0-9])/g, (_, c: string) => c.toUpperCase());

const aliases = (def: ArgDef): string[] =>
  'alias' in def && def.alias !== undefined ? (Array.isArray(def.alias) ? def.alias : [def.alias]) : [];

/** The declared option a long flag (without its dashes) names, with its name; positionals are not options. */
export function findOption(args: ArgsDef, flag: string): [string, ArgDef] | undefined {
  const wanted = camel(flag);
  for (const [name, def] of Object.entries(args)) {
    if (def.type === 'positional') continue;
    if (camel(name) === wanted || aliases(def).some((a) => a === flag || camel(a) === wanted))
      return [name, def];
  }
  return undefined;
}

/** The declared option a one-letter flag names. */
export const findShort = (args: ArgsDef, letter: string): ArgDef | undefined =>
  Object.values(args).find((def) => def.type !== 'positional' && aliases(def).includes(letter));

/** Options that take a value (`--data DIR`): the next argument is theirs unless given as `--data=DIR`. */
export const takesValue = (def: ArgDef | undefined): boolean =>
  def?.type === 'string' || def?.type === 'enum';

/** Index of the first argument that is not an option or an option's value; -1 if none before `--`. */
function subcommandIndex(rawArgs: readonly string[], args: ArgsDef): number {
  for (let i = 0; i < rawArgs.length; i++) {
    const arg = rawArgs[i]!;
    if (arg === '--') return -1;
    if (arg.startsWith('-')) {
      if (!arg.includes('=') && takesValue(findOption(args, arg.replace(/^-{1,2}/, ''))?.[1])) i++;
      continue;
    }
    return i;
  }
  return -1;
}

async function findSubcommand(subs: Record<string, Resolvable<CommandDef>>, name: string) {
  if (Object.hasOwn(subs, name)) return resolve(subs[name]!);
  for (const sub of Object.values(subs)) {
    const command = await resolve(sub);
    const meta: CommandMeta = await resolve(command.meta ?? {});
    const alias = meta.alias === undefined ? [] : Array.isArray(meta.alias) ? meta.alias : [meta.alias];
    if (alias.includes(name)) return command;
  }
  return undefined;
}

/** The chain of commands `rawArgs` names under `root` (called `rootName`). */
export async function resolveChain(
  root: CommandDef,
  rootName: string,
  rawArgs: readonly string[],
): Promise<Chain> {
  const levels: Level[] = [];
  let command = root;
  let name = rootName;
  let rest = rawArgs;
  for (;;) {
    const args = await resolve(command.args ?? {});
    const subs = command.subCommands === undefined ? {} : await resolve(command.subCommands);
    const at = Object.keys(subs).length > 0 ? subcommandIndex(rest, args) : -1;
    if (at < 0) {
      const dash = rest.indexOf('--');
      levels.push({ name, command, args, own: dash < 0 ? rest : rest.slice(0, dash) });
      return { levels: levels as [Level, ...Level[]] };
    }
    levels.push({ name, command, args, own: rest.slice(0, at) });
    const sub = await findSubcommand(subs, rest[at]!);
    if (!sub) return { levels: levels as [Level, ...Level[]], unknownCommand: rest[at]! };
    command = sub;
    name = rest[at]!;
    rest = rest.slice(at + 1);
  }
}

/** `sluice queues create`: the chain's names, as a user types them. */
export const pathOf = (chain: Chain): string => chain.levels.map((l) => l.name).join(' ');
