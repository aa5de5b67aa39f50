/**
 * `sluice dashboard` against an SQS endpoint: a real sluice server read only through the SQS API (as
 * Amazon SQS would be), ages from its GET /stats or from a CloudWatch endpoint (test/scale's fake,
 * spoken to by the real CloudWatch SDK client), the pages that need sluice's store saying so, and the
 * command as a real child process.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { dashboardConfig, type RunningDashboard, serveDashboard } from '../../src/cli/dashboard.ts';
import { SLUICE } from '../cli/cli-process.ts';
import { fakeCloudWatch } from '../scale/fake-cloudwatch.ts';
import { ApiClient, type DashboardServer, seed, startDashboardServer } from './harness.ts';

describe('sluice dashboard --endpoint', () => {
  let t: DashboardServer;
  const cw = fakeCloudWatch();
  let cwUrl = '';
  before(async () => {
    t = await startDashboardServer();
    await seed(t);
    cwUrl = await cw.start();
  });
  after(async () => {
    await cw.close();
    await t.close();
  });

  async function served(
    extra: Record<string, string> = {},
  ): Promise<{ d: RunningDashboard; api: ApiClient }> {
    const d = await serveDashboard(dashboardConfig({ endpoint: t.url, port: '0', ...extra }, {}));
    const api = new ApiClient(d.url);
    await api.session();
    return { d, api };
  }

  it('counts every queue through the SQS API, ages from the server’s /stats', async () => {
    const { d, api } = await served();
    try {
      const { status, body } = await api.get('/api/queues');
      assert.equal(status, 200);
      const queues = body.queues as Record<string, unknown>[];
      const orders = queues.find((q) => q.name === 'orders')!;
      assert.equal(orders.visible, 20);
      assert.equal(orders.dlqDepth, 5);
      assert.equal(orders.deadLetterQueue, 'orders-dlq');
      assert.ok((orders.oldestAgeSeconds as number) >= 0);
      assert.equal(orders.sentPerMinute, null, 'traffic is unknown over the SQS API');
      assert.deepEqual(queues.find((q) => q.name === 'orders-dlq')!.deadLetterSources, ['emails', 'orders']);
    } finally {
      await d.close();
    }
  });

  it('takes the age of the oldest message from CloudWatch', async () => {
    cw.datapoints.set('orders', [{ timestamp: Date.now() - 90_000, value: 4242 }]);
    const { d, api } = await served({ 'cloudwatch-endpoint': cwUrl });
    try {
      const { body } = await api.get('/api/queues');
      const orders = (body.queues as Record<string, unknown>[]).find((q) => q.name === 'orders')!;
      assert.equal(orders.oldestAgeSeconds, 4242);
    } finally {
      await d.close();
    }
  });

  it('says plainly what needs sluice’s store; sends and purges through the SQS API, audited', async () => {
    const { d, api } = await served();
    try {
      const browse = await api.get('/api/queues/orders/messages?body=ana');
      assert.equal(browse.status, 501);
      assert.equal(browse.body.code, 'NeedsSluiceStore');
      assert.match(String(browse.body.error), /needs sluice's store/);
      assert.equal((await api.get('/api/queues/orders/history')).status, 501);
      const queuePage = await (await fetch(`${d.url}/dashboard/queues/orders`)).text();
      assert.match(queuePage, /The message browser .* needs sluice's store/);
      assert.match(queuePage, /History needs sluice's store/);
      assert.doesNotMatch(queuePage, /id="messages"/);
      for (const page of ['workers', 'schedules', 'queues/orders-dlq/dead-letters']) {
        const html = await (await fetch(`${d.url}/dashboard/${page}`)).text();
        assert.match(html, /data-page="unavailable"/, page);
        assert.match(html, /needs sluice's store/, page);
      }

      const sent = await api.post('/api/queues/emails/messages', { body: 'hello from afar' });
      assert.equal(sent.status, 200, JSON.stringify(sent.body));
      const purged = await api.post('/api/queues/emails/purge', { confirm: 'emails' });
      assert.deepEqual(purged.body, { purged: 1 });
      const entries = (await api.get('/api/audit')).body.entries as { action: string }[];
      assert.deepEqual(
        entries.map((e) => e.action),
        ['purge', 'send'],
      );
    } finally {
      await d.close();
    }
  });

  it('refuses a host that is not loopback, naming it', () => {
    assert.throws(
      () => dashboardConfig({ endpoint: t.url, host: '0.0.0.0' }, {}),
      /--host must be a loopback address .* got "0.0.0.0"/,
    );
    assert.throws(() => dashboardConfig({ port: 'x' }, {}), /--port must be an integer 0–65535, got "x"/);
  });

  it('runs as a command, prints its address, and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, [...SLUICE, 'dashboard', '--endpoint', t.url, '--port', '0'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr.on('data', (c: Buffer) => {
        stderr += c.toString();
        const m = /sluice dashboard: (http:\/\/\S+)\/dashboard {2}reading endpoint/.exec(stderr);
        if (m) resolve(m[1]!);
      });
      child.once('exit', () => reject(new Error(`exited early: ${stderr}`)));
    });
    const res = await fetch(`${url}/api/queues`);
    assert.equal(res.status, 200);
    assert.ok(((await res.json()) as { queues: unknown[] }).queues.length >= 3);
    const code = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    assert.equal(await code, 0);
  });
});
