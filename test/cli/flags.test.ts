/**
 * Unknown options are refused before a command runs: in-process over the real
 * command tree (every command), and as real processes for the cases that did
 * harm (`server --memroy` ran on disk; `plan --bogus-flag` exited 0).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { ArgsDef, CommandDef } from 'citty';
import { resolve, resolveChain } from '../../src/cli/common/chain.ts';
import { sluice } from '../../src/cli/common/commands.ts';
import { unknownOption } from '../../src/cli/common/flags.ts';
import { runSluice } from './cli-process.ts';

/** Every command path under `sluice` (groups too), with its declared args. */
async function commandPaths(command: CommandDef, path: string[] = []): Promise<[string[], ArgsDef][]> {
  const args = await resolve(command.args ?? {});
  const subs = command.subCommands === undefined ? {} : await resolve(command.subCommands);
  const below = await Promise.all(
    Object.entries(subs).map(async ([name, sub]) => commandPaths(await resolve(sub), [...path, name])),
  );
  return [[path, args], ...below.flat()];
}

const check = async (...rawArgs: string[]) => unknownOption(await resolveChain(sluice, 'sluice', rawArgs));

describe('unknown options (the real command tree)', () => {
  it('every command refuses an option it does not declare, naming it and the command', async () => {
    const paths = await commandPaths(sluice);
    assert.ok(paths.length >= 20, `${paths.length} commands`);
    for (const [path] of paths)
      assert.equal(
        await check(...path, '--definitely-not-an-option'),
        `unknown option --definitely-not-an-option for "${['sluice', ...path].join(' ')}"`,
      );
  });

  it('every command accepts each option it declares, in each spelling citty accepts', async () => {
    for (const [path, args] of await commandPaths(sluice))
      for (const [name, def] of Object.entries(args)) {
        if (def.type === 'positional') continue;
        const camel = name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
        const forms =
          def.type === 'boolean'
            ? [[`--${name}`], [`--no-${name}`], [`--${camel}`]]
            : [[`--${name}`, 'v'], [`--${name}=v`], [`--${camel}`, 'v']];
        for (const form of forms)
          assert.equal(
            await check(...path, ...form),
            undefined,
            `sluice ${path.join(' ')} ${form.join(' ')}`,
          );
      }
  });

  it('suggests the nearest known option: within two edits, or one it begins', async () => {
    assert.equal(
      await check('server', '--memroy'),
      'unknown option --memroy for "sluice server" (did you mean --memory?)',
    );
    assert.equal(
      await check('queues', 'create', 'q', '--end', 'http://x'),
      'unknown option --end for "sluice queues create" (did you mean --endpoint?)',
    );
    assert.equal(
      await check('dev', '--no-producer'),
      'unknown option --no-producer for "sluice dev" (did you mean --no-producers?)',
    );
    assert.equal(await check('server', '-x'), 'unknown option -x for "sluice server"');
  });

  it('leaves values, repeated options and everything after -- alone', async () => {
    assert.equal(await check('server', '--data', '--odd-name', '--memory'), undefined);
    assert.equal(await check('send', 'q', 'body', '--attr', 'a=1', '--attr=b=2'), undefined);
    assert.equal(await check('pipe', 'q', '--env', 'A=1', '--', 'tool', '--whatever', '-x'), undefined);
    assert.equal(await check('plan', '--backlog', '-5'), undefined);
    // An option before the subcommand belongs to the group, which has none: citty would drop it.
    assert.match((await check('queues', '--json', 'list')) ?? '', /--json for "sluice queues"$/);
  });
});

describe('unknown options (real processes)', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'sluice-flags-'));
  after(() => rmSync(cwd, { recursive: true, force: true }));

  it('`server --memroy` is refused before the server starts: exit 1, no ./data', async () => {
    const r = await runSluice(['server', '--memroy', '--port', '0'], { cwd });
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.stderr, 'sluice: unknown option --memroy for "sluice server" (did you mean --memory?)\n');
    assert.equal(existsSync(join(cwd, 'data')), false, 'no data directory created');
  });

  it('`plan --bogus-flag` exits 1 naming the flag', async () => {
    const r = await runSluice([
      'plan',
      '--bogus-flag',
      '--backlog',
      '1',
      '--incoming',
      '0',
      '--per-worker',
      '1',
      '--workers',
      '1',
    ]);
    assert.equal(r.code, 1, r.stdout);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, 'sluice: unknown option --bogus-flag for "sluice plan"\n');
  });
});
