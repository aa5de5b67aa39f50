/**
 * `sluice dev` (what `npm start` runs) as a child process, as the field runs
 * it end to end: a temporary data directory, ports picked by the OS, JSON
 * logs. Resolves once it has printed where everything is.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { eventually } from './eventually.ts';

export interface SluiceDev {
  child: ChildProcess;
  /** The SQS endpoint (and the dashboard at /dashboard). */
  endpoint: string;
  /** The workers' health server: /health, /metrics. */
  health: string;
  /** The exit code; -1 when a signal ended it. */
  exit: Promise<number | null>;
  stdout(): string;
  stderr(): string;
  /** stdout's JSON log lines, parsed. */
  logLines(): Record<string, unknown>[];
}

/** `args` are added to the command line (a config file, --no-producers); `env` to the environment. */
export async function startSluiceDev(
  data: string,
  args: string[] = [],
  env: NodeJS.ProcessEnv = {},
): Promise<SluiceDev> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'src/cli/main.ts',
      'dev',
      '--port',
      '0',
      '--health-port',
      '0',
      '--data',
      data,
      '--log-format',
      'json',
      ...args,
    ],
    { env: { ...process.env, NODE_NO_WARNINGS: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exit = new Promise<number | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? (signal ? -1 : null))),
  );
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  await eventually(() => /stop\s+Ctrl-C/.test(stderr), 'sluice dev to print where everything is', {
    withinMs: 30_000,
    everyMs: 50,
    detail: () => `--- stderr\n${stderr.slice(-2000)}`,
  });
  return {
    child,
    endpoint: /endpoint\s+(http:\/\/\S+)/.exec(stderr)?.[1] ?? '',
    health: /health\s+(http:\/\/\S+)\/health/.exec(stderr)?.[1] ?? '',
    exit,
    stdout: () => stdout,
    stderr: () => stderr,
    logLines: () =>
      stdout
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}
