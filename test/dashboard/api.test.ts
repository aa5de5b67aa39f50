/**
 * The dashboard's JSON API against a real server with real data: dead letters made by a real worker
 * over HTTP, browsing without consuming, search, send, purge, redrive with progress, the audit log,
 * and who may do what (loopback without --auth; login, viewer and operator, CSRF with it).
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { ScheduleBoard } from '../../src/dashboard/schedules.ts';
import {
  ApiClient,
  type DashboardServer,
  OPERATOR,
  runSchedules,
  seed,
  startDashboardServer,
  VIEWER,
} from './harness.ts';

interface Browsed {
  messageId: string;
  body: string;
  receiveCount: number;
  error?: string;
  sourceQueue?: string;
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('dashboard API on a loopback server without --auth', () => {
  let t: DashboardServer;
  let api: ApiClient;
  before(async () => {
    t = await startDashboardServer();
    await seed(t);
    api = new ApiClient(t.url);
    await api.session();
  });
  after(() => t.close());

  it('serves the pages with a strict CSP and no inline script', async () => {
    const res = await fetch(`${t.url}/dashboard`);
    assert.equal(res.status, 200);
    const csp = res.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    const html = await res.text();
    assert.doesNotMatch(html, /<script(?![^>]*\ssrc=)[^>]*>/, 'every script has a src');
    assert.doesNotMatch(html, /\sstyle=|<style/, 'no inline style');
    const js = await fetch(`${t.url}/dashboard/static/app.js`);
    assert.equal(js.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.equal((await fetch(`${t.url}/dashboard/static/../server.ts`)).status, 404);
    assert.equal((await fetch(`${t.url}/dashboard/nowhere`)).status, 404);
  });

  it('lists every queue with its counts and its DLQ depth', async () => {
    const { status, body } = await api.get('/api/queues');
    assert.equal(status, 200);
    const queues = body.queues as {
      name: string;
      visible: number;
      dlqDepth: number | null;
      deadLetterSources: string[];
    }[];
    const byName = new Map(queues.map((q) => [q.name, q]));
    assert.equal(byName.get('orders')?.visible, 20);
    assert.equal(byName.get('orders')?.dlqDepth, 5);
    assert.deepEqual(byName.get('orders-dlq')?.deadLetterSources, ['emails', 'orders']);
    assert.equal(byName.get('orders-dlq')?.dlqDepth, null);
  });

  it('shows each queue’s traffic and send → first-receive waits, live', async () => {
    const { body } = await api.get('/api/queues');
    const orders = (body.queues as Record<string, unknown>[]).find((q) => q.name === 'orders')!;
    // 23 sent by the seed; the worker received the 3 poison orders 3 times each, then sent each to the DLQ
    // and deleted it.
    for (const rate of ['sentPerMinute', 'receivedPerMinute', 'deletedPerMinute'])
      assert.ok((orders[rate] as number) > 0, rate);
    const wait = orders.waitMs as { count: number; p50: number; p95: number; p99: number };
    assert.equal(wait.count, 3);
    assert.ok(wait.p50 <= wait.p95 && wait.p95 <= wait.p99);
  });

  it('lists the workers it has seen, named by their User-Agent, with what they did', async () => {
    const { status, body } = await api.get('/api/workers');
    assert.equal(status, 200);
    const workers = body.workers as Record<string, unknown>[];
    const pick = (w: Record<string, unknown> | undefined) =>
      w && {
        queues: w.queues,
        received: w.received,
        deleted: w.deleted,
        handedBack: w.handedBack,
        failed: w.failed,
        inFlight: w.inFlight,
      };
    // orders-1: 3 poison orders, each received 3 times; the first two handed back at once (no backoff),
    // the third dead-lettered with its error by the worker, then deleted. emails-1: 2 refused at once.
    assert.deepEqual(pick(workers.find((w) => w.id === 'orders-1')), {
      queues: ['orders'],
      received: 9,
      deleted: 3,
      handedBack: 6,
      failed: 3,
      inFlight: 0,
    });
    assert.deepEqual(pick(workers.find((w) => w.id === 'emails-1')), {
      queues: ['emails'],
      received: 2,
      deleted: 2,
      handedBack: 0,
      failed: 2,
      inFlight: 0,
    });
    assert.equal(workers.length, 2, 'requests without a worker id are no worker');
    assert.deepEqual(body.scaling, [], 'no sluice scale has tagged a queue here');
    const page = await fetch(`${t.url}/dashboard/workers`);
    assert.equal(page.status, 200);
  });

  it('serves a queue’s history for 1 h, 24 h, 7 d and 30 d, from samples kept in the store', async () => {
    await t.store.recordHistory();
    for (const range of ['1h', '24h', '7d', '30d']) {
      const { status, body } = await api.get(`/api/queues/orders/history?range=${range}`);
      assert.equal(status, 200, range);
      assert.equal(body.range, range);
      const points = body.points as { sent: number; received: number; deleted: number; dlqDepth: number }[];
      assert.equal(points.length, 1, range);
      assert.equal(points[0]!.sent, 23);
      assert.equal(points[0]!.received, 9);
      assert.equal(points[0]!.deleted, 3);
      assert.equal(points[0]!.dlqDepth, 5);
    }
    const bad = await api.get('/api/queues/orders/history?range=2h');
    assert.equal(bad.status, 400);
    assert.match(String(bad.body.error), /range must be 1h, 24h, 7d or 30d, got "2h"/);
  });

  it('browses without consuming, and searches by body text, attribute, id and receives', async () => {
    const page = await api.get('/api/queues/orders/messages?limit=5');
    const messages = page.body.messages as Browsed[];
    assert.equal(messages.length, 5);
    assert.ok(page.body.next);
    const rest = await api.get(`/api/queues/orders/messages?limit=100&after=${page.body.next}`);
    assert.equal((rest.body.messages as Browsed[]).length, 15);
    const ana = await api.get('/api/queues/orders/messages?body=%22ANA%22');
    assert.deepEqual(
      (ana.body.messages as Browsed[]).map((m) => JSON.parse(m.body).order),
      ['order-7'],
    );
    const acme = await api.get('/api/queues/orders/messages/count?attr=tenant%3Dacme');
    assert.equal(acme.body.count, 10);
    const one = await api.get(`/api/queues/orders/messages?id=${messages[2]!.messageId}`);
    assert.deepEqual(
      (one.body.messages as Browsed[]).map((m) => m.messageId),
      [messages[2]!.messageId],
    );
    const full = await api.get(`/api/queues/orders/messages/${messages[0]!.messageId}`);
    assert.equal((full.body.message as Browsed).body, messages[0]!.body);
    const received = await api.get('/api/queues/orders-dlq/messages/count?minReceives=1');
    assert.equal(received.body.count, 0, 'a worker sends dead letters afresh');
    const [stats] = await t.store.stats('orders');
    assert.equal(stats?.visible, 20, 'browsing consumed nothing');
    assert.equal((await api.get('/api/queues/orders/messages?minReceives=x')).status, 400);
    assert.equal((await api.get('/api/queues/nope/messages')).status, 404);
  });

  it('groups dead letters by the error the worker recorded and the queue they failed in', async () => {
    const { body } = await api.get('/api/queues/orders-dlq/dead-letters');
    const groups = (body.groups as { error: string; sourceQueue: string; count: number }[]).map((g) => [
      g.error,
      g.sourceQueue,
      g.count,
    ]);
    assert.deepEqual(groups, [
      ["TypeError: Cannot read properties of null (reading 'length')", 'orders', 3],
      ['PermanentError: mailbox does not exist', 'emails', 2],
    ]);
    assert.deepEqual(body.sources, ['emails', 'orders']);
  });

  it('refuses an action without the CSRF token, as JSON only, and from another origin', async () => {
    const bare = new ApiClient(t.url);
    const noToken = await bare.post('/api/queues/orders/messages', { body: 'x' });
    assert.equal(noToken.status, 403);
    assert.equal(noToken.body.code, 'BadCsrfToken');
    const form = await api.request('POST', '/api/queues/orders/purge', undefined, {
      'content-type': 'application/x-www-form-urlencoded',
    });
    assert.equal(form.status, 415);
    const crossSite = await api.request(
      'POST',
      '/api/queues/orders/messages',
      { body: 'x' },
      {
        origin: 'http://evil.example',
      },
    );
    assert.equal(crossSite.status, 403);
    assert.equal((await t.store.stats('orders'))[0]?.visible, 20);
  });

  it('refuses a Host that is not loopback (DNS rebinding) without --auth', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${t.url}/api/queues`, { headers: { host: 'evil.example:80' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    assert.equal(status, 403);
  });

  it('sends a message, and writes it to the audit log', async () => {
    const sent = await api.post('/api/queues/orders/messages', {
      body: '{"order":"by-hand"}',
      attributes: { tenant: 'acme' },
    });
    assert.equal(sent.status, 200, JSON.stringify(sent.body));
    const found = await api.get('/api/queues/orders/messages?body=by-hand');
    const [m] = found.body.messages as (Browsed & { attributes: Record<string, string> })[];
    assert.equal(m?.messageId, sent.body.messageId);
    assert.deepEqual(m?.attributes, { tenant: 'acme' });
    const { body } = await api.get('/api/audit?limit=1');
    const [entry] = body.entries as { actor: string; action: string; queue: string; count: number }[];
    assert.deepEqual(
      { actor: entry?.actor, action: entry?.action, queue: entry?.queue, count: entry?.count },
      { actor: 'local', action: 'send', queue: 'orders', count: 1 },
    );
  });

  it('redrives one error group back where it failed, with progress, and audits it', async () => {
    const filter = { error: "TypeError: Cannot read properties of null (reading 'length')" };
    const started = await api.post('/api/queues/orders-dlq/redrive', { filter, rate: 1 });
    assert.equal(started.status, 200, JSON.stringify(started.body));
    assert.equal(started.body.toMove, 3);
    const progress = await until('some progress', async () => {
      const { body } = await api.get('/api/queues/orders-dlq/moves');
      const [task] = body.tasks as { Status: string; ApproximateNumberOfMessagesMoved: number }[];
      return task && task.ApproximateNumberOfMessagesMoved >= 1 ? task : undefined;
    });
    assert.ok(progress.ApproximateNumberOfMessagesMoved < 3 || progress.Status === 'COMPLETED');
    await until('the redrive to complete', async () => {
      const { body } = await api.get('/api/queues/orders-dlq/moves');
      return (body.tasks as { Status: string }[])[0]?.Status === 'COMPLETED' ? true : undefined;
    });
    const back = await api.get('/api/queues/orders/messages/count?body=poison');
    assert.equal(back.body.count, 3, 'the poison orders are back in orders');
    const left = await api.get('/api/queues/orders-dlq/dead-letters');
    assert.deepEqual(
      (left.body.groups as { sourceQueue: string }[]).map((g) => g.sourceQueue),
      ['emails'],
    );
    const { body } = await api.get('/api/audit?limit=1');
    const [entry] = body.entries as { action: string; count: number; detail: { filter: unknown } }[];
    assert.equal(entry?.action, 'redrive');
    assert.equal(entry?.count, 3);
    assert.deepEqual(entry?.detail.filter, filter);
  });

  it('cancels a running redrive', async () => {
    const started = await api.post('/api/queues/orders-dlq/redrive', { to: 'orders', rate: 1 });
    assert.equal(started.status, 200, JSON.stringify(started.body));
    const cancelled = await api.post('/api/queues/orders-dlq/moves/cancel', {
      taskHandle: started.body.taskHandle,
    });
    assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
    const { body } = await api.get('/api/queues/orders-dlq/moves');
    assert.equal((body.tasks as { Status: string }[])[0]?.Status, 'CANCELLED');
  });

  it('deletes a selection and purges a queue only when confirmed with its name', async () => {
    const unconfirmed = await api.post('/api/queues/orders/purge', {});
    assert.equal(unconfirmed.status, 400);
    assert.equal(unconfirmed.body.code, 'NotConfirmed');
    const deleted = await api.post('/api/queues/orders/delete-messages', {
      filter: { body: 'poison' },
      confirm: 'orders',
    });
    assert.equal(deleted.body.deleted, 3);
    const { count } = (await api.get('/api/queues/orders/messages/count')).body;
    assert.ok(Number(count) >= 21, 'the orders, the one sent by hand, what the cancelled redrive moved');
    const purged = await api.post('/api/queues/orders/purge', { confirm: 'orders' });
    assert.equal(purged.status, 200, JSON.stringify(purged.body));
    assert.equal(purged.body.purged, count);
    assert.equal((await t.store.stats('orders'))[0]?.visible, 0);
    const { body } = await api.get('/api/audit?limit=2');
    assert.deepEqual(
      (body.entries as { action: string; count: number }[]).map((e) => [e.action, e.count]),
      [
        ['purge', count],
        ['delete-messages', 3],
      ],
    );
  });
});

describe('dashboard API on a server with --auth', () => {
  let t: DashboardServer;
  before(async () => {
    t = await startDashboardServer({ auth: true });
    await seed(t);
  });
  after(() => t.close());

  it('asks for a login: pages redirect to it, the API answers 401', async () => {
    const page = await fetch(`${t.url}/dashboard`, { redirect: 'manual' });
    assert.equal(page.status, 303);
    assert.equal(page.headers.get('location'), '/dashboard/login');
    const api = await fetch(`${t.url}/api/queues`);
    assert.equal(api.status, 401);
    const bad = await new ApiClient(t.url).post('/api/login', {
      accessKeyId: OPERATOR.accessKeyId,
      secretAccessKey: 'no',
    });
    assert.equal(bad.status, 401);
    const login = await fetch(`${t.url}/dashboard/login`);
    assert.equal(login.status, 200);
  });

  it('lets a viewer read and refuses its actions', async () => {
    const viewer = new ApiClient(t.url);
    const me = await viewer.login(VIEWER);
    assert.equal(me.role, 'viewer');
    assert.match(viewer.cookie, /^sluice_session=/);
    assert.equal((await viewer.get('/api/queues')).status, 200);
    const refused = await viewer.post('/api/queues/orders/purge', { confirm: 'orders' });
    assert.equal(refused.status, 403);
    assert.equal(refused.body.code, 'ReadOnly');
    assert.equal((await t.store.stats('orders'))[0]?.visible, 20);
  });

  it('lets an operator act, with the session’s CSRF token, and audits them by key id', async () => {
    const operator = new ApiClient(t.url);
    const me = await operator.login(OPERATOR);
    assert.equal(me.role, 'operator');
    const token = operator.csrf;
    operator.csrf = 'forged';
    assert.equal((await operator.post('/api/queues/orders/messages', { body: 'x' })).status, 403);
    operator.csrf = token;
    const sent = await operator.post('/api/queues/orders/messages', { body: 'from the operator' });
    assert.equal(sent.status, 200);
    const { body } = await operator.get('/api/audit?limit=1');
    const [entry] = body.entries as { actor: string; action: string }[];
    assert.deepEqual([entry?.actor, entry?.action], [OPERATOR.accessKeyId, 'send']);
    await operator.post('/api/logout');
    assert.equal((await operator.get('/api/queues')).status, 401);
  });
});

describe('dashboard API: schedules', () => {
  it('on a server alone: runs none, says so, and shows the last ticks recorded in queue tags', async () => {
    const t = await startDashboardServer();
    try {
      const { QueueUrl } = await t.store.createQueue({
        QueueName: 'reports.fifo',
        Attributes: { FifoQueue: 'true' },
      });
      await t.store.tagQueue({
        QueueUrl,
        Tags: { 'sluice:schedule:nightly-report': '2026-11-30T02:00:00.000Z' },
      });
      const api = new ApiClient(t.url);
      await api.session();
      const { body } = await api.get('/api/schedules');
      assert.equal(body.running, false);
      assert.match(String(body.note), /runs no schedules/);
      assert.deepEqual(body.schedules, [
        {
          name: 'nightly-report',
          cron: null,
          timezone: null,
          queue: 'reports.fifo',
          next: null,
          nextInZone: null,
          lastRun: Date.parse('2026-11-30T02:00:00.000Z'),
        },
      ]);
      const run = await api.post('/api/schedules/nightly-report/run');
      assert.equal(run.status, 409);
    } finally {
      await t.close();
    }
  });

  it('under a scheduler (sluice dev): next run in its zone, and run now sends its message, audited', async () => {
    const board = new ScheduleBoard();
    const t = await startDashboardServer({ schedules: board });
    const stop = await runSchedules(t, board);
    try {
      const api = new ApiClient(t.url);
      await api.session();
      const { body } = await api.get('/api/schedules');
      assert.equal(body.running, true);
      const [s] = body.schedules as {
        name: string;
        next: number;
        nextInZone: string;
        lastRun: number | null;
      }[];
      assert.equal(s?.name, 'nightly-report');
      const paris = new Intl.DateTimeFormat('en-GB', {
        timeZone: 'Europe/Paris',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      }).format(s!.next);
      assert.equal(paris, '03:00', '03:00 in Paris');
      assert.ok(s!.next > Date.now() && s!.next <= Date.now() + 86_400_000);
      assert.match(s!.nextInZone, /03:00:00 (CET|CEST|GMT\+[12])/);
      assert.equal(s!.lastRun, null);

      const run = await api.post('/api/schedules/nightly-report/run');
      assert.equal(run.status, 200, JSON.stringify(run.body));
      assert.equal(run.body.queue, 'reports.fifo');
      const { messages } = await t.store.browseMessages({
        QueueUrl: (await t.store.getQueueUrl({ QueueName: 'reports.fifo' })).QueueUrl,
      });
      assert.equal(messages.length, 1);
      assert.equal(messages[0]!.messageId, run.body.messageId);
      assert.match(messages[0]!.body, /daily/);
      const after = await api.get('/api/schedules');
      assert.ok(((after.body.schedules as { lastRun: number }[])[0]!.lastRun ?? 0) > 0);
      const [entry] = (await api.get('/api/audit')).body.entries as { action: string; queue: string }[];
      assert.deepEqual([entry?.action, entry?.queue], ['run-schedule', 'reports.fifo']);
      assert.equal((await api.post('/api/schedules/nope/run')).status, 404);
    } finally {
      await stop();
      await t.close();
    }
  });
});
