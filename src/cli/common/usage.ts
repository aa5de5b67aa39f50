/**
 * `--help`: a command's usage, under its full name (`sluice queues create`),
 * in colour only for a terminal. citty's own renderer names a nested command
 * without `sluice` and colours whatever the output is, so sluice renders its
 * own from the same declarations.
 */
import type { ArgDef, CommandMeta } from 'citty';
import { type Chain, pathOf, resolve } from './chain.ts';

/** Colour only for a terminal, and never with NO_COLOR set (https://no-color.org) or TERM=dumb. */
export function wantsColour(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  return stream.isTTY === true && !env.NO_COLOR && env.TERM !== 'dumb';
}

type Paint = (text: string) => string;

function painter(colour: boolean) {
  const sgr =
    (on: number, off: number): Paint =>
    (text) =>
      colour ? `\x1b[${on}m${text}\x1b[${off}m` : text;
  return { heading: sgr(1, 22), flag: sgr(36, 39), hint: sgr(90, 39) };
}

/** Two columns, the first padded to its widest cell. */
function columns(rows: readonly (readonly [string, string, string])[]): string[] {
  const width = Math.max(...rows.map(([plain]) => plain.length));
  return rows.map(([plain, painted, text]) =>
    `  ${painted}${' '.repeat(width - plain.length)}  ${text}`.trimEnd(),
  );
}

const valueHint = (name: string, def: ArgDef) =>
  def.type === 'enum' && def.options?.length
    ? `=<${def.options.join('|')}>`
    : def.type === 'string'
      ? `=<${def.valueHint ?? name.replace(/-/g, '_')}>`
      : '';

/** The usage text of the chain's last command. */
export async function usage(chain: Chain, colour: boolean): Promise<string> {
  const p = painter(colour);
  const { command, args } = chain.levels.at(-1)!;
  const path = pathOf(chain);
  const meta: CommandMeta = await resolve(command.meta ?? {});
  const root: CommandMeta = await resolve(chain.levels[0].command.meta ?? {});
  const out: string[] = [];
  const about = chain.levels.length === 1 && root.version ? ` (${path} v${root.version})` : '';
  out.push(`${meta.description ?? ''}${p.hint(about)}`, '');

  const positionals: [string, string, string][] = [];
  const options: [string, string, string][] = [];
  const synopsis: string[] = [];
  for (const [name, def] of Object.entries(args)) {
    const required =
      def.type === 'positional' ? def.required !== false && def.default === undefined : def.required === true;
    const notes = [
      def.description ?? '',
      required ? p.hint('(required)') : '',
      def.default !== undefined && def.default !== '' ? p.hint(`(default: ${def.default})`) : '',
    ];
    const text = notes.filter(Boolean).join(' ');
    if (def.type === 'positional') {
      positionals.push([name.toUpperCase(), p.flag(name.toUpperCase()), text]);
      synopsis.push(required ? `<${name.toUpperCase()}>` : `[${name.toUpperCase()}]`);
      continue;
    }
    const alias = 'alias' in def && def.alias !== undefined ? [def.alias].flat() : [];
    const flag =
      [...alias.map((a) => (a.length === 1 ? `-${a}` : `--${a}`)), `--${name}`].join(', ') +
      valueHint(name, def);
    options.push([flag, p.flag(flag), text]);
    if (
      def.type === 'boolean' &&
      (def.default === true || def.negativeDescription) &&
      !name.startsWith('no-')
    )
      options.push([`--no-${name}`, p.flag(`--no-${name}`), def.negativeDescription ?? '']);
    if (required) synopsis.push(`--${name}${valueHint(name, def)}`);
  }
  const subs = command.subCommands === undefined ? {} : await resolve(command.subCommands);
  const commands: [string, string, string][] = [];
  for (const [name, sub] of Object.entries(subs)) {
    const subMeta: CommandMeta = await resolve((await resolve(sub)).meta ?? {});
    if (!subMeta.hidden) commands.push([name, p.flag(name), subMeta.description ?? '']);
  }
  if (commands.length > 0) synopsis.push('<command>');

  // A command may say what follows its own arguments (pipe: `-- <command> [args...]`).
  const tail = (command as { usageTail?: string }).usageTail ?? '';
  const line = [path, options.length > 0 ? '[OPTIONS]' : '', ...synopsis, tail].filter(Boolean).join(' ');
  out.push(`${p.heading('USAGE')}  ${line}`, '');
  if (positionals.length > 0) out.push(p.heading('ARGUMENTS'), ...columns(positionals), '');
  if (options.length > 0) out.push(p.heading('OPTIONS'), ...columns(options), '');
  if (commands.length > 0)
    out.push(
      p.heading('COMMANDS'),
      ...columns(commands),
      '',
      `Use ${p.flag(`${path} <command> --help`)} for more about a command.`,
      '',
    );
  return out.join('\n');
}
