/**
 * For the operator's CLI tests: a real server in this process (test/server's
 * harness) and `sluice <command>` run as a real child process against it.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { type ProcessResult, run, type TestServer } from '../server/harness.ts';

const CLI = ['--import', 'tsx', 'src/cli/main.ts'];

/** Environment for the CLI: the server as SLUICE_ENDPOINT, nothing from the caller's AWS set-up. */
export function cliEnv(t: TestServer): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, SLUICE_ENDPOINT: t.url };
  for (const name of ['AWS_PROFILE', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_REGION'])
    delete env[name];
  return env;
}

/** `sluice ...args`, to completion (stdin: a pipe, never a terminal). */
export const sluice = (t: TestServer, ...args: string[]): Promise<ProcessResult> =>
  run(process.execPath, [...CLI, ...args], cliEnv(t));

/** `sluice ...args` with more environment variables, to completion. */
export const sluiceWithEnv = (
  t: TestServer,
  env: NodeJS.ProcessEnv,
  ...args: string[]
): Promise<ProcessResult> => run(process.execPath, [...CLI, ...args], { ...cliEnv(t), ...env });

/** `sluice ...args` with `input` on its stdin, to completion. */
export const sluiceWithInput = (t: TestServer, input: string, ...args: string[]): Promise<ProcessResult> =>
  run(process.execPath, [...CLI, ...args], cliEnv(t), input);

/** The line naming the endpoint and region a command acts on (src/cli/common/connection.ts). */
export const targetLine = (t: TestServer) => `sluice: endpoint ${t.url} (region us-east-1)`;
const TARGET = /^sluice: (endpoint \S+|Amazon SQS) \(region [^)]+\)$/;

/** stderr's lines other than the target line. */
export const reasons = (stderr: string): string[] =>
  stderr.split('\n').filter((line) => line !== '' && !TARGET.test(line));

/** `sluice ...args` that must succeed; returns stdout. */
export async function ok(t: TestServer, ...args: string[]): Promise<string> {
  const r = await sluice(t, ...args);
  assert.equal(r.code, 0, `sluice ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  assert.deepEqual(reasons(r.stderr), [], `sluice ${args.join(' ')} wrote to stderr`);
  return r.stdout;
}

/** `sluice ...args --json` that must succeed, parsed. */
export const okJson = async <T = unknown>(t: TestServer, ...args: string[]): Promise<T> =>
  JSON.parse(await ok(t, ...args, '--json')) as T;

/** `sluice ...args` that must fail with exactly one line (besides the target) on stderr matching `reason`. */
export async function fails(t: TestServer, reason: RegExp | string, ...args: string[]): Promise<void> {
  const r = await sluice(t, ...args);
  assert.equal(r.code, 1, `sluice ${args.join(' ')} should exit 1: ${r.stdout}`);
  assert.equal(r.stdout, '');
  const lines = reasons(r.stderr);
  assert.equal(lines.length, 1, `one line expected, got:\n${r.stderr}`);
  if (typeof reason === 'string') assert.equal(lines[0], reason);
  else assert.match(lines[0]!, reason);
}

/** Rows of a printed table (split on runs of 2+ spaces), header first. */
export const rows = (text: string): string[][] =>
  text
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s{2,}/));

/** Starts `sluice ...args` and leaves it running. */
export const start = (t: TestServer, ...args: string[]) =>
  spawn(process.execPath, [...CLI, ...args], { env: cliEnv(t), stdio: ['ignore', 'pipe', 'pipe'] });
