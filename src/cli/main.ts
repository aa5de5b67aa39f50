/**
 * The `sluice` command line. One file per command under src/cli/; each is
 * loaded only when it runs, so `sluice server` does not load the worker.
 * A failing command prints one line, `sluice: <reason>`, and exits 1;
 * `--help` anywhere prints usage.
 */
import { stripVTControlCharacters } from 'node:util';
import { type ArgsDef, type CommandDef, defineCommand, renderUsage, runCommand, runMain } from 'citty';

const main = defineCommand({
  meta: {
    name: 'sluice',
    description: 'Background workers for SQS-style queues, with an embedded SQS server',
  },
  subCommands: {
    server: () => import('./server.ts').then((m) => m.default),
    worker: () => import('./worker.ts').then((m) => m.default),
    dev: () => import('./dev.ts').then((m) => m.default),
    start: () => import('./start.ts').then((m) => m.default),
    queues: () => import('./queues.ts').then((m) => m.default),
    send: () => import('./send.ts').then((m) => m.default),
    purge: () => import('./purge.ts').then((m) => m.default),
    stats: () => import('./stats.ts').then((m) => m.default),
    dlq: () => import('./dlq.ts').then((m) => m.default),
    schedule: () => import('./schedule.ts').then((m) => m.default),
    scale: () => import('./scale.ts').then((m) => m.default),
    pipe: () => import('./pipe.ts').then((m) => m.default),
    plan: () => import('./plan.ts').then((m) => m.default),
  },
});

/** citty's usage, its USAGE line ending with a command's own `usageTail` if it has one (pipe: `-- <command> [args...]`). */
async function showUsage<T extends ArgsDef>(cmd: CommandDef<T>, parent?: CommandDef<T>): Promise<void> {
  const tail = (cmd as { usageTail?: string }).usageTail;
  const lines = (await renderUsage(cmd, parent)).split('\n');
  const at = lines.findIndex((l) => stripVTControlCharacters(l).startsWith('USAGE '));
  if (tail && at >= 0) {
    const line = lines[at]!;
    const reset = '\u001b[39m'; // the end of its colour, if it has one
    lines[at] = line.endsWith(reset) ? `${line.slice(0, -reset.length)} ${tail}${reset}` : `${line} ${tail}`;
  }
  console.log(`${lines.join('\n')}\n`);
}

const rawArgs = process.argv.slice(2);
// Only sluice's own arguments: after `--` they belong to a command (`sluice pipe q -- tool --help`).
const own = rawArgs.includes('--') ? rawArgs.slice(0, rawArgs.indexOf('--')) : rawArgs;
if (rawArgs.length === 0 || own.some((a) => a === '--help' || a === '-h' || a === '--version')) {
  await runMain(main, { showUsage });
} else {
  try {
    await runCommand(main, { rawArgs });
  } catch (e) {
    // One plain line: citty colours some of its messages.
    const reason = stripVTControlCharacters(e instanceof Error ? e.message : String(e));
    process.stderr.write(`sluice: ${reason}\n`);
    process.exitCode = 1;
  }
}
