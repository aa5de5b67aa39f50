/**
 * `sluice …` as a real child process, from any working directory (the tsx
 * loader and main.ts are given by absolute path). Never rejects on a
 * non-zero exit; a run is killed after 60 s.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
export const TSX = import.meta.resolve('tsx');
export const SLUICE = ['--import', TSX, MAIN];

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export function runSluice(
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [...SLUICE, ...args],
      { cwd: options.cwd, env: options.env ?? process.env, timeout: 60_000, maxBuffer: 16 << 20 },
      (err, stdout, stderr) => {
        if (err && typeof err.code !== 'number') reject(err);
        else resolve({ code: typeof err?.code === 'number' ? err.code : 0, stdout, stderr });
      },
    );
  });
}
