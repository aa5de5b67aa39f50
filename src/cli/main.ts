/**
 * The `sluice` command line. One file per command under src/cli/ (the table is
 * common/commands.ts); each is loaded only when it runs, so `sluice server`
 * does not load the worker.
 *
 * Before a command runs: `--version` prints the package's version; `--help`
 * (anywhere before `--`) or no arguments print usage; an option the command
 * does not declare is refused (common/flags.ts). A failing command prints one
 * line, `sluice: <reason>`, and exits 1.
 */
import { stripVTControlCharacters } from 'node:util';
import { VERSION } from './common/version.ts';

const fail = (reason: string) => {
  // One plain line: citty colours some of its messages.
  process.stderr.write(`sluice: ${stripVTControlCharacters(reason)}\n`);
  process.exitCode = 1;
};

const rawArgs = process.argv.slice(2);
// Only sluice's own arguments: after `--` they belong to a command (`sluice pipe q -- tool --help`).
const own = rawArgs.includes('--') ? rawArgs.slice(0, rawArgs.indexOf('--')) : rawArgs;
try {
  if (rawArgs.length === 1 && (rawArgs[0] === '--version' || rawArgs[0] === '-v')) {
    process.stdout.write(`${VERSION}\n`);
  } else {
    // Loaded only past --version, which answers before anything else is read.
    const [{ runCommand }, { resolveChain }, { sluice }, { unknownOption }, { usage, wantsColour }] =
      await Promise.all([
        import('citty'),
        import('./common/chain.ts'),
        import('./common/commands.ts'),
        import('./common/flags.ts'),
        import('./common/usage.ts'),
      ]);
    const chain = await resolveChain(sluice, 'sluice', rawArgs);
    if (rawArgs.length === 0 || own.some((a) => a === '--help' || a === '-h')) {
      process.stdout.write(await usage(chain, wantsColour(process.stdout, process.env)));
      if (rawArgs.length === 0) process.exitCode = 1;
    } else {
      const unknown = chain.unknownCommand === undefined ? unknownOption(chain) : undefined;
      if (unknown) fail(unknown);
      else await runCommand(sluice, { rawArgs });
    }
  }
} catch (e) {
  fail(e instanceof Error ? e.message : String(e));
}
