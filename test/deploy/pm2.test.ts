/**
 * `sluice deploy pm2` under real PM2 (npm's pm2, its home in a temp dir):
 * the ecosystem file starts the pool against a real sluice server; while
 * messages flow the pool is scaled down and restarted, and every message
 * is handled once: none lost, none left in flight, no process killed before
 * it drained (PM2 never had to SIGKILL). `pm2 kill` ends the daemon and its
 * processes after the test, whatever happened.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { GetQueueAttributesCommand, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { runSluice } from '../cli/cli-process.ts';
import { startTestServer, type TestServer } from '../server/harness.ts';
import { eventually } from '../support/eventually.ts';
import { QUEUE, writeConfig } from './configs.ts';

const PM2 = join(dirname(createRequire(import.meta.url).resolve('pm2/package.json')), 'bin', 'pm2');
const APP = 'sluice-worker';
const run = promisify(execFile);

interface Pm2Process {
  pid: number;
  pm2_env: { status: string; WORKER_ID?: number | string; WORKER_HEALTH_PORT?: number | string };
}

describe('sluice deploy pm2, under real PM2', () => {
  let t: TestServer;
  let dir: string;
  let home: string;
  const pm2 = (...args: string[]) =>
    run(process.execPath, [PM2, ...args], {
      cwd: join(dir, 'pm2'),
      env: { ...process.env, ...t.env(), PM2_HOME: home },
      timeout: 180_000,
    });
  const list = async () => JSON.parse((await pm2('jlist')).stdout) as Pm2Process[];

  before(async () => {
    t = await startTestServer();
    dir = mkdtempSync(join(tmpdir(), 'sluice-deploy-pm2-'));
    home = join(dir, '.pm2');
  });
  after(async () => {
    // The daemon and every process it started end here, whatever the test did.
    const pidFile = join(home, 'pm2.pid');
    const daemon = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8')) : undefined;
    await pm2('kill').catch(() => {});
    if (daemon !== undefined) {
      try {
        process.kill(daemon, 0);
        process.kill(daemon, 'SIGKILL');
      } catch {} // gone, as it should be
    }
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('scales down and restarts while messages flow, and loses none', async () => {
    const record = join(dir, 'recorded.txt');
    const basePort = 40_000 + Math.floor(Math.random() * 20_000);
    writeConfig(
      dir,
      { max: 3, shutdownTimeoutSeconds: 10 },
      {
        endpoint: t.url,
        healthPort: basePort,
        env: { WORKER_CONCURRENCY: '4', HANDLE_MS: '100', RECORD_FILE: record },
      },
    );
    const deploy = await runSluice(['deploy', 'pm2', 'sluice.config.ts', '--out', 'pm2'], { cwd: dir });
    assert.equal(deploy.code, 0, deploy.stderr);

    await pm2('start', 'ecosystem.config.cjs');
    const started = await list();
    assert.equal(started.length, 3);
    assert.deepEqual(started.map((p) => String(p.pm2_env.WORKER_ID)).sort(), ['0', '1', '2']);
    assert.deepEqual(started.map((p) => Number(p.pm2_env.WORKER_HEALTH_PORT)).sort(), [
      basePort,
      basePort + 1,
      basePort + 2,
    ]);

    const recorded = () =>
      existsSync(record)
        ? readFileSync(record, 'utf8')
            .split('\n')
            .filter(Boolean)
            .map((line) => line.split(' ') as [string, string])
        : [];
    // The producer: 5 messages every 50 ms until told to stop.
    // wait_ready: `pm2 start` returned once the workers were ready, so they have created the queues.
    const { QueueUrl } = await t.store.getQueueUrl({ QueueName: QUEUE });
    const sent: string[] = [];
    let sending = true;
    const producer = (async () => {
      for (let batch = 0; sending; batch++) {
        const bodies = Array.from({ length: 5 }, (_, i) => `m-${batch}-${i}`);
        await t.sqs.send(
          new SendMessageBatchCommand({
            QueueUrl,
            Entries: bodies.map((body, i) => ({ Id: String(i), MessageBody: body })),
          }),
        );
        sent.push(...bodies);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();

    try {
      await eventually(() => recorded().length >= 30, 'messages handled by the pool of 3', {
        withinMs: 60_000,
      });
      await pm2('scale', APP, '1');
      assert.equal((await list()).length, 1);
      const afterScale = recorded().length;
      await eventually(() => recorded().length >= afterScale + 30, 'messages handled by the pool of 1', {
        withinMs: 60_000,
      });
      await pm2('restart', APP);
      const afterRestart = recorded().length;
      await eventually(() => recorded().length >= afterRestart + 30, 'messages handled after the restart', {
        withinMs: 60_000,
      });
    } finally {
      sending = false;
      await producer;
    }

    await eventually(() => recorded().length >= sent.length, `all ${sent.length} messages handled`, {
      withinMs: 60_000,
      detail: () => `${recorded().length} handled`,
    });
    const handled = recorded().map(([, body]) => body);
    const missing = sent.filter((body) => !handled.includes(body));
    assert.deepEqual(missing, [], 'none lost');
    assert.equal(handled.length, new Set(handled).size, 'none handled twice: every stop drained');
    assert.deepEqual([...new Set(recorded().map(([id]) => id))].sort(), ['0', '1', '2']);
    // A handler records its message before the worker's batched delete goes out: wait for the last acks.
    const inFlight = async () => {
      const { Attributes } = await t.sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl,
          AttributeNames: ['ApproximateNumberOfMessagesNotVisible'],
        }),
      );
      return Attributes?.ApproximateNumberOfMessagesNotVisible;
    };
    await eventually(
      async () => (await inFlight()) === '0',
      'nothing left in flight (every handled message deleted)',
      {
        withinMs: 10_000,
      },
    );
    const log = readFileSync(join(home, 'pm2.log'), 'utf8');
    assert.doesNotMatch(log, /SIGKILL/, 'PM2 never had to kill a process that would not stop');
  });
});
