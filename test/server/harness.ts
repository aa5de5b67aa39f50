/**
 * Integration-test harness: a real sluice server on an ephemeral port over a
 * durable (file) store in a temp dir, and the real clients that talk to it —
 * @aws-sdk/client-sqs (AWS JSON), Debian's awscli and boto3 (query).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetQueueAttributesCommand, SQSClient, type SQSClientConfig } from '@aws-sdk/client-sqs';
import type { KeyRing } from '../../src/protocol/sigv4.ts';
import { type RunningServer, type ServerOptions, startServer } from '../../src/server/server.ts';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import type { Store } from '../../src/store/store.ts';
import type { Clock } from '../../src/time/clock.ts';

export const AWS_CLI = '/usr/bin/aws';
export const PYTHON = '/usr/bin/python3';
export const CREDENTIALS = { accessKeyId: 'AKIDSLUICETEST', secretAccessKey: 'sluice-test-secret' };

export interface TestServer {
  server: RunningServer;
  url: string;
  /** The store behind the server, for setting up and checking queues directly. */
  store: Store;
  /** The server's temp dir (removed on close); tests may keep their own files there. */
  dir: string;
  sqs: SQSClient;
  client(config?: Partial<SQSClientConfig>): SQSClient;
  /** Environment for the awscli/boto3 child processes. */
  env(credentials?: { accessKeyId: string; secretAccessKey: string }): NodeJS.ProcessEnv;
  close(): Promise<void>;
}

export interface TestServerOptions {
  keys?: KeyRing;
  maxBodyBytes?: number;
  /** Wraps the store the server uses (e.g. to delay an answer); the store's behaviour is its own. */
  wrapStore?: (store: Store) => Store;
  /** The store's clock (default: the system clock). */
  clock?: Clock;
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-server-'));
  let store!: Store;
  const serverOptions: ServerOptions = {
    port: 0,
    openStore: (baseUrl) => {
      store = openSqliteStore({
        path: join(dir, 'sluice.sqlite'),
        identity: { baseUrl },
        ...(options.clock ? { clock: options.clock } : {}),
      });
      return options.wrapStore ? options.wrapStore(store) : store;
    },
    log: () => {},
    ...(options.keys ? { keys: options.keys } : {}),
    ...(options.maxBodyBytes ? { maxBodyBytes: options.maxBodyBytes } : {}),
  };
  const server = await startServer(serverOptions);
  const clients: SQSClient[] = [];
  const client = (config: Partial<SQSClientConfig> = {}) => {
    const c = new SQSClient({
      endpoint: server.url,
      region: 'us-east-1',
      credentials: CREDENTIALS,
      ...config,
    });
    clients.push(c);
    return c;
  };
  let closed = false;
  return {
    server,
    url: server.url,
    store,
    dir,
    sqs: client(),
    client,
    env: (credentials = CREDENTIALS) => ({
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: dir,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_CONFIG_FILE: join(dir, 'no-config'),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'no-credentials'),
      AWS_PAGER: '',
      AWS_MAX_ATTEMPTS: '1',
      SLUICE_URL: server.url,
    }),
    async close() {
      if (closed) return;
      closed = true;
      for (const c of clients) c.destroy();
      await server.shutdown();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface ProcessResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a child process to completion; never rejects on a non-zero exit. */
export function run(
  file: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  input?: string,
): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      file,
      args,
      { env, timeout: 60_000, maxBuffer: 16 << 20 },
      (err, stdout, stderr) => {
        if (err && typeof err.code !== 'number') reject(err);
        else resolve({ code: typeof err?.code === 'number' ? err.code : 0, stdout, stderr });
      },
    );
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** `aws sqs <args> --endpoint-url URL --output json`. */
export async function aws(t: TestServer, args: string[], env = t.env()): Promise<ProcessResult> {
  return run(AWS_CLI, ['sqs', ...args, '--endpoint-url', t.url, '--output', 'json'], env);
}

/** Parses the CLI's JSON output (empty output → {}). */
export const json = (r: ProcessResult): Record<string, unknown> => {
  if (r.code !== 0) throw new Error(`aws exited ${r.code}: ${r.stderr}`);
  return r.stdout.trim() ? JSON.parse(r.stdout) : {};
};

/** A queue's visible and in-flight counts over the SQS API (the SDK client). */
export async function queueCounts(
  t: TestServer,
  QueueUrl: string,
): Promise<{ visible: number; inFlight: number }> {
  const { Attributes: a = {} } = await t.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return {
    visible: Number(a.ApproximateNumberOfMessages),
    inFlight: Number(a.ApproximateNumberOfMessagesNotVisible),
  };
}
