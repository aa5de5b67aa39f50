/**
 * `npm test`: node's test runner, bounded so that a run can neither hang nor
 * leave a process behind.
 *
 * - Each test file runs with --test-timeout (on Node 20 and 22 that bounds the
 *   whole file, on 24 each test) and --test-force-exit, so a file whose tests
 *   are done exits even if a handle is still open; test/support/reap.ts then
 *   kills whatever that file's tests started and left running.
 * - The runner runs in a process group of its own; when it ends (or after
 *   RUN_LIMIT_MS, or on SIGINT/SIGTERM) every process still in the group is
 *   killed and named, and the run fails if there were any.
 *
 * `npm test -- test/cli/pipe.test.ts …` runs the given files only.
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { isTranspiler, killAll, processes } from './support/processes.ts';

const FILE_LIMIT_MS = 480_000;
const RUN_LIMIT_MS = 30 * 60_000;

/** Every test/<area>/…/*.test.ts, at any depth (test/deploy/aws/ too). */
function allTestFiles(): string[] {
  return readdirSync('test', { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.test.ts') && f.includes('/'))
    .map((f) => join('test', f))
    .sort();
}

const files = process.argv.length > 2 ? process.argv.slice(2) : allTestFiles();
const runner = spawn(
  process.execPath,
  [
    '--import',
    'tsx',
    '--import',
    './test/support/reap.ts',
    '--test',
    '--test-concurrency=2',
    `--test-timeout=${FILE_LIMIT_MS}`,
    '--test-force-exit',
    ...files,
  ],
  { stdio: 'inherit', detached: true },
);
const group = runner.pid ?? 0;

/** Kills every process left in the runner's group; says which and returns how many. */
function reapGroup(): number {
  const left = processes().filter((p) => p.pgrp === group && p.pid !== process.pid);
  killAll(left);
  const strays = left.filter((p) => !isTranspiler(p));
  if (strays.length > 0)
    process.stderr.write(
      `npm test: killed ${strays.length} process(es) still running:\n${strays.map((p) => `  ${p.pid} ${p.command}`).join('\n')}\n`,
    );
  return strays.length;
}

let why: string | undefined;
const stop = (reason: string) => {
  why ??= reason;
  try {
    process.kill(-group, 'SIGTERM');
  } catch {
    // the group is gone already
  }
};
const limit = setTimeout(() => stop(`the run passed ${RUN_LIMIT_MS / 60_000} minutes`), RUN_LIMIT_MS);
process.on('SIGINT', () => stop('interrupted'));
process.on('SIGTERM', () => stop('terminated'));

runner.on('exit', (code, signal) => {
  clearTimeout(limit);
  const strays = reapGroup();
  if (why) process.stderr.write(`npm test: stopped: ${why}\n`);
  const failed = code !== 0 || signal !== null || strays > 0 || why !== undefined;
  process.exit(failed ? 1 : 0);
});
