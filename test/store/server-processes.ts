/**
 * `sluice server --store URL` as real child processes, each with an AWS SDK
 * client, for the tests that run several servers on one PostgreSQL
 * (postgres-servers, postgres-restart).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import {
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';

export interface Server {
  child: ChildProcess;
  url: string;
  sqs: SQSClient;
  /** The queue's URL on this server. */
  q(name: string): string;
  /** What the server wrote to stderr so far. */
  stderr(): string;
}

/** Any key: the servers run without --auth (test/server/harness.ts has the same; not imported, it loads SQLite). */
const CREDENTIALS = { accessKeyId: 'AKIDSLUICETEST', secretAccessKey: 'sluice-test-secret' };

/** Starts `sluice server --store URL` and waits for its "listening on" line. */
export function startServer(storeUrl: string): Promise<Server> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/cli/main.ts', 'server', '--port', '0', '--store', storeUrl],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  let started = false;
  return new Promise((resolve, reject) => {
    child.stderr?.on('data', (c: Buffer) => {
      stderr += c;
      const m = /listening on (http:\/\/\S+)/.exec(stderr);
      if (m && !started) {
        started = true;
        const base = m[1]!;
        resolve({
          child,
          url: base,
          sqs: new SQSClient({
            endpoint: base,
            region: 'us-east-1',
            credentials: CREDENTIALS,
            maxAttempts: 1,
          }),
          q: (name) => `${base}/000000000000/${name}`,
          stderr: () => stderr,
        });
      }
    });
    child.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL' && code !== 0) process.stderr.write(`server exited ${code}: ${stderr}\n`);
      reject(new Error(`server exited ${code}: ${stderr}`));
    });
  });
}

export const isRunning = (s: Server) => s.child.exitCode === null && s.child.signalCode === null;

/** Resolves once the server's process has exited. */
export const gone = (s: Server) =>
  new Promise<void>((resolve) => {
    if (!isRunning(s)) return resolve();
    s.child.on('exit', () => resolve());
  });

/** SIGTERMs every server of the list (emptying it) and waits for each to exit. */
export async function stopServers(servers: Server[]): Promise<void> {
  for (const s of servers.splice(0)) {
    s.sqs.destroy();
    s.child.kill('SIGTERM');
    await gone(s);
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function receive(
  s: Server,
  queue: string,
  extra: Partial<ConstructorParameters<typeof ReceiveMessageCommand>[0]> = {},
) {
  const out = await s.sqs.send(
    new ReceiveMessageCommand({ QueueUrl: s.q(queue), MaxNumberOfMessages: 10, ...extra }),
  );
  return out.Messages ?? [];
}

/** [visible, in flight, delayed], as GetQueueAttributes reports them. */
export async function counts(s: Server, queue: string) {
  const { Attributes: a = {} } = await s.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: s.q(queue), AttributeNames: ['All'] }),
  );
  return [
    a.ApproximateNumberOfMessages,
    a.ApproximateNumberOfMessagesNotVisible,
    a.ApproximateNumberOfMessagesDelayed,
  ];
}

export interface RawAnswer {
  status: number;
  /** The SQS error code (x-amzn-query-error's first part), for an error. */
  code?: string;
  body: Record<string, unknown>;
}

/**
 * One SQS JSON-protocol call by plain fetch, no SDK retries in the way: what
 * a client sees, status and error code. Rejects (TimeoutError) past `timeoutMs`.
 */
export async function call(
  s: Server,
  action: string,
  input: Record<string, unknown>,
  timeoutMs: number,
): Promise<RawAnswer> {
  const res = await fetch(s.url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AmazonSQS.${action}` },
    body: JSON.stringify(input),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  const code = res.headers.get('x-amzn-query-error')?.split(';')[0];
  return {
    status: res.status,
    ...(code ? { code } : {}),
    body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
  };
}

/**
 * How soon a long poll on `poller` wakes on a send to `sender`, in ms from
 * the send's start, best of `rounds`. The poll's fallback look (every 1 s of
 * waiting) would find the message too; the send comes 1.5 s into the poll,
 * so the fallback's next look is at least 500 ms away: anything faster was
 * the NOTIFY. Best of several, so one slow turn of a loaded machine does not
 * fail it, while a missing NOTIFY fails every round.
 */
export async function wakeLatency(
  poller: Server,
  sender: Server,
  queue: string,
  rounds = 3,
): Promise<number> {
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < rounds; round++) {
    const body = `wake-${round}`;
    const poll = receive(poller, queue, { WaitTimeSeconds: 10 });
    await sleep(1500);
    const sentAt = Date.now();
    await sender.sqs.send(new SendMessageCommand({ QueueUrl: sender.q(queue), MessageBody: body }));
    const got = await poll;
    const latency = Date.now() - sentAt;
    if (got.length !== 1 || got[0]?.Body !== body)
      throw new Error(`the poll got ${JSON.stringify(got.map((m) => m.Body))}, not ${body}`);
    await poller.sqs.send(
      new DeleteMessageCommand({ QueueUrl: poller.q(queue), ReceiptHandle: got[0].ReceiptHandle }),
    );
    best = Math.min(best, latency);
  }
  return best;
}

/** Below this, a wake-up was the NOTIFY (see wakeLatency). */
export const NOTIFY_WAKE_MS = 450;
