import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { type CheckResult, type HealthServer, startHealthServer } from '../../src/observe/health-server.ts';
import { createWorkerMetrics } from '../../src/observe/metrics.ts';

/** Sends raw bytes and returns everything the server answers before closing. */
function raw(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(bytes));
    let answer = '';
    socket.on('data', (d) => {
      answer += d.toString();
    });
    socket.on('end', () => resolve(answer));
    socket.on('error', reject);
  });
}

describe('startHealthServer', () => {
  let server: HealthServer;
  let live: () => CheckResult = () => ({ ok: true });
  let ready: () => CheckResult = () => ({ ok: true });
  const registry = new Registry();
  registry.setDefaultLabels({ worker_id: 'w-1' });
  createWorkerMetrics(registry).processed('jobs', 0.1);

  before(async () => {
    server = await startHealthServer({ port: 0, registry, live: () => live(), ready: () => ready() });
  });
  after(() => server.close());

  it('listens on 127.0.0.1 and an ephemeral port when given port 0', () => {
    assert.ok(server.port > 0);
    assert.equal(server.url, `http://127.0.0.1:${server.port}`);
  });

  it('on 0.0.0.0 (a container), its URL is the loopback one a local client can fetch', async () => {
    const anywhere = await startHealthServer({ host: '0.0.0.0', port: 0, registry, live, ready });
    try {
      assert.equal(anywhere.url, `http://127.0.0.1:${anywhere.port}`);
      assert.equal((await fetch(`${anywhere.url}/health`)).status, 200);
    } finally {
      await anywhere.close();
    }
  });

  it('GET /health and /ready answer 200 {"status":"ok"} as JSON', async () => {
    for (const path of ['/health', '/ready', '/health?probe=1']) {
      const res = await fetch(`${server.url}${path}`);
      assert.equal(res.status, 200, path);
      assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8');
      assert.equal(await res.text(), '{"status":"ok"}');
    }
  });

  it('answers 503 with the reason when a check fails, each endpoint its own check', async () => {
    live = () => ({ ok: false, reason: 'poll loop stalled' });
    ready = () => ({ ok: false, reason: 'shutting down' });
    try {
      const health = await fetch(`${server.url}/health`);
      assert.equal(health.status, 503);
      assert.deepEqual(await health.json(), { status: 'fail', reason: 'poll loop stalled' });
      const readiness = await fetch(`${server.url}/ready`);
      assert.equal(readiness.status, 503);
      assert.deepEqual(await readiness.json(), { status: 'fail', reason: 'shutting down' });
      live = () => ({ ok: false });
      assert.deepEqual(await (await fetch(`${server.url}/health`)).json(), {
        status: 'fail',
        reason: 'not ok',
      });
    } finally {
      live = () => ({ ok: true });
      ready = () => ({ ok: true });
    }
  });

  it('a check that throws is a 503 naming the error, and the server goes on', async () => {
    live = () => {
      throw new Error('boom');
    };
    try {
      const res = await fetch(`${server.url}/health`);
      assert.equal(res.status, 503);
      assert.deepEqual(await res.json(), { status: 'fail', reason: 'check threw: boom' });
    } finally {
      live = () => ({ ok: true });
    }
    assert.equal((await fetch(`${server.url}/health`)).status, 200);
  });

  it('GET /metrics serves the registry in the Prometheus text format', async () => {
    const res = await fetch(`${server.url}/metrics`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), registry.contentType);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    assert.match(text, /^# TYPE sluice_messages_processed_total counter$/m);
    assert.match(text, /^sluice_messages_processed_total\{queue="jobs",worker_id="w-1"\} 1$/m);
  });

  it('HEAD answers like GET, without a body', async () => {
    const res = await fetch(`${server.url}/health`, { method: 'HEAD' });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-length'), '15');
    assert.equal(await res.text(), '');
  });

  it('answers 404 for other paths and 405 for other methods on known ones', async () => {
    for (const path of ['/', '/healthz', '/metrics/x', '/constructor', '/__proto__']) {
      const res = await fetch(`${server.url}${path}`);
      assert.equal(res.status, 404, path);
      await res.body?.cancel();
    }
    const post = await fetch(`${server.url}/health`, { method: 'POST', body: 'x'.repeat(100_000) });
    assert.equal(post.status, 405);
    assert.equal(post.headers.get('allow'), 'GET, HEAD');
    await post.body?.cancel();
  });

  it('answers 400 to a malformed request and stays up', async () => {
    const answer = await raw(server.port, 'NOT HTTP AT ALL\r\n\r\n');
    assert.match(answer, /^HTTP\/1\.1 400 /);
    const odd = await raw(server.port, 'GET /health HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n');
    assert.match(odd, /^HTTP\/1\.1 400 /);
    assert.equal((await fetch(`${server.url}/health`)).status, 200);
  });

  it('a failing scrape is a 500, not a crash', async () => {
    const broken = new Registry();
    broken.registerMetric({
      name: 'broken',
      get: () => Promise.reject(new Error('collector failed')),
    } as never);
    const s = await startHealthServer({ port: 0, registry: broken, live, ready });
    try {
      const res = await fetch(`${s.url}/metrics`);
      assert.equal(res.status, 500);
      assert.match(await res.text(), /collector failed/);
    } finally {
      await s.close();
    }
  });
});

describe('startHealthServer life cycle', () => {
  const registry = new Registry();
  const ok = () => ({ ok: true });

  it('rejects when the port is taken', async () => {
    const first = await startHealthServer({ port: 0, registry, live: ok, ready: ok });
    try {
      await assert.rejects(startHealthServer({ port: first.port, registry, live: ok, ready: ok }), {
        code: 'EADDRINUSE',
      });
    } finally {
      await first.close();
    }
  });

  it('close() ends kept-alive connections, frees the port and is idempotent', async () => {
    const s = await startHealthServer({ port: 0, registry, live: ok, ready: ok });
    assert.equal((await fetch(`${s.url}/health`)).status, 200); // leaves a keep-alive socket open
    await Promise.all([s.close(), s.close()]);
    await s.close();
    await assert.rejects(fetch(`${s.url}/health`));
    const again = await startHealthServer({ port: s.port, registry, live: ok, ready: ok });
    await again.close();
  });
});
