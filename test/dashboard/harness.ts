/**
 * A real sluice server (file store in a temp dir) with its dashboard, real
 * queues and real dead letters: a real worker, talking to the server over
 * HTTP, fails the poison messages and sends them to the DLQ with the error it
 * recorded. `api` speaks the dashboard's JSON API as a script would.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { awsClient } from '../../src/client/aws.ts';
import type { ScheduleBoard } from '../../src/dashboard/schedules.ts';
import { defineSchedule, startScheduler } from '../../src/scheduler/index.ts';
import { type RunningServer, startServer } from '../../src/server/server.ts';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import type { Store } from '../../src/store/store.ts';
import { type Clock, systemClock } from '../../src/time/clock.ts';
import { defineWorker } from '../../src/worker/define.ts';
import { PermanentError } from '../../src/worker/errors.ts';
import { startWorker } from '../../src/worker/worker.ts';

export const OPERATOR = { accessKeyId: 'AKIDOPERATOR', secretAccessKey: 'operator-secret' };
export const VIEWER = { accessKeyId: 'AKIDVIEWER', secretAccessKey: 'viewer-secret' };

export interface DashboardServer {
  server: RunningServer;
  url: string;
  store: Store;
  close(): Promise<void>;
}

/**
 * A wall clock that a test may set back (`offsetMs` < 0) to write history in the past, e.g. an hour of
 * samples in a few seconds; its timers are the system's.
 */
export class ShiftedClock implements Clock {
  offsetMs = 0;
  now = () => Date.now() + this.offsetMs;
  setTimer = systemClock.setTimer;
}

/** With `auth`, the server has the two keys above and VIEWER signs in read-only. */
export async function startDashboardServer(
  options: { auth?: boolean; clock?: Clock; schedules?: ScheduleBoard } = {},
): Promise<DashboardServer> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-dashboard-'));
  const server = await startServer({
    port: 0,
    log: () => {},
    openStore: (baseUrl) =>
      openSqliteStore({
        path: join(dir, 'sluice.sqlite'),
        identity: { baseUrl },
        ...(options.clock ? { clock: options.clock } : {}),
      }),
    ...(options.auth
      ? {
          keys: new Map([
            [OPERATOR.accessKeyId, OPERATOR.secretAccessKey],
            [VIEWER.accessKeyId, VIEWER.secretAccessKey],
          ]),
          dashboard: {
            viewers: new Set([VIEWER.accessKeyId]),
            ...(options.schedules ? { schedules: options.schedules } : {}),
          },
        }
      : options.schedules
        ? { dashboard: { schedules: options.schedules } }
        : {}),
  });
  return {
    server,
    url: server.url,
    store: server.store,
    async close() {
      await server.shutdown();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Queues `orders` and `emails`, both with the DLQ `orders-dlq` (3 receives), 20 good orders
 * in `orders`, and dead letters made by a real worker: 3 poison orders (TypeError), 2 refused emails
 * (PermanentError). Returns when they are all in the DLQ.
 */
export async function seed(t: DashboardServer, credentials = OPERATOR): Promise<void> {
  const client = awsClient({ endpoint: t.url, region: 'us-east-1', credentials });
  try {
    await client.createQueue({ QueueName: 'orders-dlq' });
    const redrive = JSON.stringify({
      deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:orders-dlq',
      maxReceiveCount: 3,
    });
    const { QueueUrl: orders } = await client.createQueue({
      QueueName: 'orders',
      Attributes: { RedrivePolicy: redrive },
    });
    const { QueueUrl: emails } = await client.createQueue({
      QueueName: 'emails',
      Attributes: { RedrivePolicy: redrive },
    });
    for (let i = 0; i < 3; i++)
      await client.sendMessage({
        QueueUrl: orders,
        MessageBody: JSON.stringify({ order: `poison-${i}`, items: null }),
      });
    for (let i = 0; i < 2; i++)
      await client.sendMessage({
        QueueUrl: emails,
        MessageBody: JSON.stringify({ to: `bounce-${i}@example.com` }),
      });
    const logger = pino({ level: 'silent' });
    // Each worker names itself on its requests, as `sluice worker` does with its WORKER_ID.
    const workerClient = (workerId: string) =>
      awsClient({ endpoint: t.url, region: 'us-east-1', credentials, workerId });
    const ordersClient = workerClient('orders-1');
    const emailsClient = workerClient('emails-1');
    const ordersWorker = startWorker(
      defineWorker({
        queue: 'orders',
        handler: async (m) => {
          const body = JSON.parse(m.body) as { items: unknown[] };
          // The bug the poison messages trip over (items: null), as a real handler would.
          if (body.items.length === 0) throw new Error('empty order');
        },
        backoff: { baseSeconds: 0, maxSeconds: 0 },
      }),
      { client: ordersClient, logger },
    );
    const emailsWorker = startWorker(
      defineWorker({
        queue: 'emails',
        handler: async () => {
          throw new PermanentError('mailbox does not exist');
        },
      }),
      { client: emailsClient, logger },
    );
    const deadline = Date.now() + 30_000;
    for (;;) {
      const [stats] = await t.store.stats('orders-dlq');
      if (stats && stats.visible === 5) break;
      assert.ok(Date.now() < deadline, `dead letters did not arrive: ${JSON.stringify(stats)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    await Promise.all([ordersWorker.stop(), emailsWorker.stop()]);
    await Promise.all([ordersClient.close(), emailsClient.close()]);
    for (let i = 0; i < 20; i++)
      await client.sendMessage({
        QueueUrl: orders,
        MessageBody: JSON.stringify({ order: `order-${i}`, customer: i === 7 ? 'ana' : 'bo', items: [1] }),
        MessageAttributes: { tenant: { DataType: 'String', StringValue: i % 2 ? 'acme' : 'globex' } },
      });
  } finally {
    await client.close();
  }
}

/**
 * An hour of history for queue `charted`, sampled every minute with the clock set back: traffic that
 * rises and falls, messages waiting longer as the backlog grows. Leaves the clock at now.
 */
export async function seedHistory(store: Store, clock: ShiftedClock): Promise<void> {
  const { QueueUrl } = await store.createQueue({ QueueName: 'charted' });
  // Each minute's sends, receives and sample fall in that minute's bucket: one point per minute.
  const thisMinute = Math.floor(Date.now() / 60_000) * 60_000;
  const at = (t: number) => {
    clock.offsetMs = t - Date.now();
  };
  for (let minute = 60; minute > 0; minute--) {
    at(thisMinute - minute * 60_000 + 1000);
    const wave = Math.round(20 + 15 * Math.sin(minute / 8));
    for (let i = 0; i < wave; i += 10)
      await store.sendMessageBatch({
        QueueUrl,
        Entries: Array.from({ length: Math.min(10, wave - i) }, (_, j) => ({
          Id: String(j),
          MessageBody: `job ${minute}-${i + j}`,
        })),
      });
    at(thisMinute - minute * 60_000 + 20_000 + (minute % 7) * 4_000);
    const { Messages = [] } = await store.receiveMessage({ QueueUrl, MaxNumberOfMessages: 10 });
    if (Messages.length)
      await store.deleteMessageBatch({
        QueueUrl,
        Entries: Messages.map((m, j) => ({ Id: String(j), ReceiptHandle: m.ReceiptHandle! })),
      });
    await store.recordHistory();
  }
  clock.offsetMs = 0;
}

/**
 * A real scheduler, as `sluice dev` runs one, with schedule `nightly-report` (03:00 Paris time) on the
 * FIFO queue `reports.fifo`, attached to the dashboard's board. Returns stop().
 */
export async function runSchedules(t: DashboardServer, board: ScheduleBoard): Promise<() => Promise<void>> {
  const client = awsClient({ endpoint: t.url, region: 'us-east-1', credentials: OPERATOR });
  await client.createQueue({ QueueName: 'reports.fifo', Attributes: { FifoQueue: 'true' } });
  const schedules = [
    defineSchedule({
      name: 'nightly-report',
      cron: '0 3 * * *',
      timezone: 'Europe/Paris',
      queue: 'reports.fifo',
      body: { report: 'daily' },
    }),
  ];
  const scheduler = startScheduler(schedules, { client, logger: pino({ level: 'silent' }) });
  await scheduler.ready;
  board.attach(schedules, scheduler);
  return async () => {
    await scheduler.stop();
    await client.close();
  };
}

/** The dashboard's API as a script uses it: a cookie jar of one session and its CSRF token. */
export class ApiClient {
  cookie = '';
  csrf = '';
  constructor(readonly base: string) {}

  async login(credentials: { accessKeyId: string; secretAccessKey: string }) {
    const res = await this.request('POST', '/api/login', credentials);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body;
  }

  /** Reads the CSRF token (GET /api/session), as the page reads its <meta>. */
  async session() {
    const res = await this.request('GET', '/api/session');
    this.csrf = (res.body as { csrf: string }).csrf;
    return res;
  }

  async request(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(this.cookie ? { cookie: this.cookie } : {}),
        ...(this.csrf && method !== 'GET' ? { 'x-csrf-token': this.csrf } : {}),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      redirect: 'manual',
    });
    const setCookie = res.headers.get('set-cookie');
    if (setCookie) this.cookie = setCookie.split(';')[0]!;
    if (method === 'POST' && path === '/api/login' && res.ok)
      this.csrf = ((await res.clone().json()) as { csrf: string }).csrf;
    const text = await res.text();
    let json: unknown = text;
    try {
      json = JSON.parse(text);
    } catch {}
    return { status: res.status, headers: res.headers, body: json as Record<string, unknown> };
  }

  get = (path: string) => this.request('GET', path);
  post = (path: string, body: unknown = {}) => this.request('POST', path, body);
}
