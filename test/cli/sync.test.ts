/**
 * `--sync full|normal` (and SLUICE_SYNC) on the commands that open the file
 * store: the level reaches the store's own SQLite connection (read back with
 * PRAGMA synchronous, reported by the real server's GET /health), the flag
 * wins over the variable, full is the default, and a bad value is refused in
 * one line naming the flag or the variable.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, describe, it } from 'node:test';
import { syncOption } from '../../src/cli/common/sync-option.ts';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import { runSluice, SLUICE } from './cli-process.ts';

const root = mkdtempSync(join(tmpdir(), 'sluice-sync-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshDir = () => join(root, `d${++n}`);

const children = new Set<ChildProcess>();
afterEach(() => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  children.clear();
});

/** Starts `sluice …` and resolves with the server URL from the line that matches `ready`. */
function start(args: string[], ready: RegExp, env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, [...SLUICE, ...args], {
    env: { ...process.env, SLUICE_SYNC: '', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.add(child);
  let stderr = '';
  return new Promise<{ child: ChildProcess; url: string; stderr: () => string }>((resolve, reject) => {
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk;
      const m = ready.exec(stderr);
      if (m) resolve({ child, url: m[1]!, stderr: () => stderr });
    });
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${stderr}`)));
  });
}

const stopped = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });

/** What the server's store connection reports: PRAGMA synchronous, through GET /health. */
async function syncOf(url: string): Promise<unknown> {
  return ((await (await fetch(`${url}/health`)).json()) as { sync?: string }).sync;
}

const LISTENING = /listening on (http:\/\/\S+)/;

describe('--sync', () => {
  it('reaches the store of a real `sluice server`: full by default, normal by flag or SLUICE_SYNC, the flag first', async () => {
    const cases: [string[], NodeJS.ProcessEnv, string][] = [
      [[], {}, 'full'],
      [['--sync', 'normal'], {}, 'normal'],
      [[], { SLUICE_SYNC: 'normal' }, 'normal'],
      [['--sync', 'full'], { SLUICE_SYNC: 'normal' }, 'full'],
    ];
    for (const [flags, env, expected] of cases) {
      const server = await start(['server', '--port', '0', '--data', freshDir(), ...flags], LISTENING, env);
      assert.equal(await syncOf(server.url), expected, `${flags.join(' ')} ${JSON.stringify(env)}`);
      assert.match(server.stderr(), new RegExp(`sluice\\.sqlite, sync ${expected}\\)`));
      assert.equal(await stopped(server.child), 0);
    }
  });

  it('reaches the store of `sluice dev`', async () => {
    const data = freshDir();
    const dev = await start(
      ['dev', '--port', '0', '--health-port', '0', '--data', data, '--no-producers', '--sync', 'normal'],
      /endpoint\s+(http:\/\/\S+)/,
      { NODE_NO_WARNINGS: '1', LOG_LEVEL: 'silent' },
    );
    assert.equal(await syncOf(dev.url), 'normal');
    assert.match(dev.stderr(), /sluice\.sqlite \(sync normal\)/);
    assert.equal(await stopped(dev.child), 0);
  });

  it('a store in memory reports no level: nothing of it reaches a disk', async () => {
    const server = await start(['server', '--port', '0', '--memory'], LISTENING);
    assert.equal(await syncOf(server.url), undefined);
    assert.equal(await stopped(server.child), 0);
  });

  it('openSqliteStore: FULL unless asked otherwise, as the connection reports it', async () => {
    const full = openSqliteStore({ path: join(freshDir(), 'a.sqlite') });
    const normal = openSqliteStore({ path: join(freshDir(), 'b.sqlite'), synchronous: 'NORMAL' });
    assert.equal(full.synchronous?.(), 'FULL');
    assert.equal(normal.synchronous?.(), 'NORMAL');
    await full.close();
    await normal.close();
    assert.equal(full.synchronous?.(), undefined);
  });

  it('parses once: flag over variable, either case, an empty variable is unset', () => {
    assert.equal(syncOption({}, {}), 'FULL');
    assert.equal(syncOption({}, { SLUICE_SYNC: '' }), 'FULL');
    assert.equal(syncOption({}, { SLUICE_SYNC: 'NORMAL' }), 'NORMAL');
    assert.equal(syncOption({ sync: 'Full' }, { SLUICE_SYNC: 'normal' }), 'FULL');
    assert.throws(() => syncOption({ sync: '' }, {}), /^Error: --sync must be full or normal, got ""$/);
  });

  it('refuses a bad value in one line naming the flag or the variable, exit 1', async () => {
    const env = { ...process.env, SLUICE_SYNC: '' };
    for (const [args, runEnv, line] of [
      [['server', '--sync', 'fast'], env, 'sluice: --sync must be full or normal, got "fast"'],
      [
        ['server', '--data', freshDir()],
        { ...env, SLUICE_SYNC: 'off' },
        'sluice: SLUICE_SYNC must be full or normal, got "off"',
      ],
      [
        ['server', '--memory', '--sync', 'full'],
        env,
        'sluice: --memory and --sync exclude each other (nothing in memory reaches a disk)',
      ],
      [
        ['dev', '--sync', 'extra', '--data', freshDir()],
        env,
        'sluice: --sync must be full or normal, got "extra"',
      ],
      // --sync tunes the SQLite file: beside --store it would do nothing, so both commands refuse it.
      [
        ['server', '--store', 'postgres://127.0.0.1:1/none', '--sync', 'full'],
        env,
        'sluice: --store and --sync exclude each other (PostgreSQL decides its own durability)',
      ],
      [
        ['dev', '--store', 'postgres://127.0.0.1:1/none', '--sync', 'normal', '--data', freshDir()],
        env,
        'sluice: --store and --sync exclude each other (PostgreSQL decides its own durability)',
      ],
    ] as const) {
      const run = await runSluice(args, { env: runEnv });
      assert.equal(run.code, 1, args.join(' '));
      assert.equal(run.stderr, `${line}\n`);
    }
  });
});
