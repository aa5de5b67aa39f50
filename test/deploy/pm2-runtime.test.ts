/**
 * The worker's side of PM2 (src/observe/pm2.ts), in a real `sluice worker`
 * process forked as PM2 forks it (an IPC channel, pm_id set): it sends
 * 'ready' once it serves /ready (wait_ready), and PM2's 'shutdown' message
 * (shutdown_with_message) drains it like SIGTERM: it exits 0 by itself, the
 * channel not keeping it alive.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { MAIN, TSX } from '../cli/cli-process.ts';
import { startTestServer, type TestServer } from '../server/harness.ts';
import { eventually } from '../support/eventually.ts';

const FIXTURE = fileURLToPath(new URL('../cli/fixtures/recording-worker.ts', import.meta.url));

describe('a worker under PM2', () => {
  let t: TestServer;
  let child: ChildProcess | undefined;
  before(async () => {
    t = await startTestServer();
  });
  after(async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await t.close();
  });

  it('says ready, and drains and exits 0 on the shutdown message', async () => {
    const { QueueUrl } = await t.store.createQueue({ QueueName: 'pm2-jobs' });
    const record = join(t.dir, 'recorded.txt');
    const messages: unknown[] = [];
    let output = '';
    child = fork(MAIN, ['worker', FIXTURE], {
      execArgv: ['--import', TSX],
      env: {
        ...process.env,
        ...t.env(),
        SLUICE_ENDPOINT: t.url,
        AWS_REGION: 'us-east-1',
        QUEUE_NAME: 'pm2-jobs',
        RECORD_FILE: record,
        WORKER_HEALTH_PORT: '0',
        WORKER_ID: 'pm2-0',
        LOG_LEVEL: 'info',
        pm_id: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    // Its log lines (stdout) and errors, for the assertions and for a failure's detail.
    for (const stream of [child.stdout, child.stderr])
      stream?.on('data', (d: Buffer) => {
        output += d.toString();
      });
    child.on('message', (m) => messages.push(m));
    const exited = new Promise<number | null>((resolve) => child?.once('exit', (code) => resolve(code)));

    await eventually(() => messages.includes('ready'), "the worker's 'ready' message", {
      withinMs: 30_000,
      detail: () => output,
    });
    await t.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'one' }));
    await eventually(
      () => readFileSync(record, { encoding: 'utf8', flag: 'a+' }).includes('one'),
      'the message handled',
    );

    child.send('shutdown');
    const code = await Promise.race([
      exited,
      eventually(() => false, 'the worker to exit after the shutdown message', {
        withinMs: 20_000,
        detail: () => output,
      }),
    ]);
    assert.equal(code, 0, output);
    assert.match(output, /signal received; draining/);
  });
});
