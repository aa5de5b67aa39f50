/**
 * `sluice health`, the container image's HEALTHCHECK, as a real process
 * against a real server: 0 and the URL when it answers, 1 and each URL's
 * answer when nothing healthy does.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { healthUrls } from '../../src/cli/health.ts';
import { startTestServer, type TestServer } from '../server/harness.ts';
import { runSluice } from './cli-process.ts';

let t: TestServer;
let sick: Server;
let sickUrl: string;
let closedUrl: string;
before(async () => {
  t = await startTestServer();
  sick = createServer((_, res) => res.writeHead(503).end('draining'));
  await new Promise<void>((resolve) => sick.listen(0, '127.0.0.1', resolve));
  sickUrl = `http://127.0.0.1:${(sick.address() as AddressInfo).port}/health`;
  // A port that was free a moment ago: nothing listens there.
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  closedUrl = `http://127.0.0.1:${(probe.address() as AddressInfo).port}/health`;
  await new Promise((resolve) => probe.close(resolve));
});
after(async () => {
  sick.closeAllConnections();
  await new Promise((resolve) => sick.close(resolve));
  await t.close();
});

const env = (extra: NodeJS.ProcessEnv) => {
  const { SLUICE_HEALTH_URL: _, WORKER_HEALTH_PORT: __, ...rest } = process.env;
  return { ...rest, ...extra };
};

describe('sluice health', () => {
  it('exits 0 naming the URL when the server answers /health', async () => {
    const r = await runSluice(['health', `${t.url}/health`], { env: env({}) });
    assert.deepEqual(r, { code: 0, stdout: `healthy: ${t.url}/health\n`, stderr: '' });
  });

  it('takes its URL from SLUICE_HEALTH_URL', async () => {
    const r = await runSluice(['health'], { env: env({ SLUICE_HEALTH_URL: `${t.url}/health` }) });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `healthy: ${t.url}/health\n`);
  });

  it('exits 1 with the answer of a URL that is not 2xx, or not there', async () => {
    const [bad, none] = await Promise.all([
      runSluice(['health', sickUrl], { env: env({}) }),
      runSluice(['health'], { env: env({ SLUICE_HEALTH_URL: closedUrl }) }),
    ]);
    assert.equal(bad.code, 1);
    assert.equal(bad.stderr, `sluice: not healthy: ${sickUrl} (HTTP 503)\n`);
    assert.equal(none.code, 1);
    assert.match(none.stderr, new RegExp(`^sluice: not healthy: ${closedUrl} \\(.*ECONNREFUSED.*\\)\\n$`));
  });

  it('refuses a timeout that is not a positive number of seconds', async () => {
    const r = await runSluice(['health', sickUrl, '--timeout', 'soon'], { env: env({}) });
    assert.deepEqual(r, {
      code: 1,
      stdout: '',
      stderr: 'sluice: --timeout must be a number of seconds above 0, got "soon"\n',
    });
  });
});

describe('healthUrls', () => {
  it('without a URL: the server’s 9324 and the worker’s WORKER_HEALTH_PORT, default 3003', () => {
    assert.deepEqual(healthUrls(undefined, {}), [
      'http://127.0.0.1:9324/health',
      'http://127.0.0.1:3003/health',
    ]);
    assert.deepEqual(healthUrls(undefined, { WORKER_HEALTH_PORT: '4100' }), [
      'http://127.0.0.1:9324/health',
      'http://127.0.0.1:4100/health',
    ]);
    assert.deepEqual(healthUrls(undefined, { WORKER_HEALTH_PORT: '0' }), ['http://127.0.0.1:9324/health']);
  });

  it('a URL given, or SLUICE_HEALTH_URL, is the only one asked', () => {
    assert.deepEqual(healthUrls('http://h:1/health', { SLUICE_HEALTH_URL: 'http://x:2/health' }), [
      'http://h:1/health',
    ]);
    assert.deepEqual(healthUrls(undefined, { SLUICE_HEALTH_URL: 'http://x:2/health' }), [
      'http://x:2/health',
    ]);
  });
});
