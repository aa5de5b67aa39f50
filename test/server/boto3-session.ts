/**
 * boto3 (Debian's 1.26: the query protocol) as a client the test drives one
 * call at a time (boto3_session.py), so a scenario can move the server's
 * ManualClock between calls, as it does with the AWS SDK for JavaScript.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { PYTHON } from './harness.ts';

const SCRIPT = fileURLToPath(new URL('./boto3_session.py', import.meta.url));

export interface Boto3Error {
  Code: string;
  Message: string;
  Status: number;
}

export class Boto3CallError extends Error {
  constructor(readonly error: Boto3Error) {
    super(`${error.Code}: ${error.Message}`);
  }
}

export interface Boto3Session {
  /** Calls `op` (boto3's snake_case name) with boto3's keyword arguments; a ClientError rejects. */
  call(op: string, kw: Record<string, unknown>): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

/** Starts the python client against `env.SLUICE_URL` with the credentials in `env`. */
export function startBoto3Session(env: NodeJS.ProcessEnv): Boto3Session {
  const child = spawn(PYTHON, [SCRIPT], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const waiting: ((line: string | undefined) => void)[] = [];
  const lines = createInterface({ input: child.stdout });
  lines.on('line', (line) => waiting.shift()?.(line));
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      for (const w of waiting.splice(0)) w(undefined);
      resolve();
    }),
  );
  return {
    call(op, kw) {
      return new Promise((resolve, reject) => {
        waiting.push((line) => {
          if (line === undefined) return reject(new Error(`boto3 session ended: ${stderr}`));
          const answer = JSON.parse(line) as { ok?: Record<string, unknown>; error?: Boto3Error };
          if (answer.error) reject(new Boto3CallError(answer.error));
          else resolve(answer.ok ?? {});
        });
        child.stdin.write(`${JSON.stringify({ op, kw })}\n`);
      });
    },
    async close() {
      child.stdin.end();
      await exited;
    },
  };
}
