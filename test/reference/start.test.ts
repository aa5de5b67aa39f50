/**
 * `sluice start`: the same reference config, unchanged, against a sluice
 * server started separately (standing in for Amazon SQS): queues created only
 * when asked, messages processed, exit 0 on SIGTERM.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../server/harness.ts';
import { eventually } from '../support/eventually.ts';

const CONFIG = 'examples/reference/sluice.config.ts';
let t: TestServer;

before(async () => {
  t = await startTestServer();
});
after(() => t.close());

const env = () => ({
  ...process.env,
  NODE_NO_WARNINGS: '1',
  SLUICE_ENDPOINT: t.url,
  WORKER_HEALTH_PORT: '0',
});

describe('sluice start', () => {
  it('does not create queues unless told: without them it refuses in one line', async () => {
    // Not spawnSync: the server runs in this process and must keep answering.
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', 'start', CONFIG, '--data', t.dir],
      {
        env: env(),
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    assert.equal(code, 1);
    // On Node.js 20 the line about its end of life comes first (test/cli/worker-cli.test.ts).
    assert.match(
      stderr.replace(/^sluice: Node\.js \d+ .*\n/, '').trim(),
      /^sluice: no such queues at http:\S+: push-notifications, push-notifications-dlq, .* \(create them, or pass --create-queues\)$/,
    );
  });

  it('runs the config’s workers with --create-queues, and exits 0 on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', 'start', CONFIG, '--create-queues', '--data', t.dir],
      { env: env(), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const exit = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const seen = (msg: string) => stdout.includes(`"msg":"${msg}"`);
    await eventually(() => seen('sluice start: running'), 'sluice start to run');
    const { QueueUrl } = await t.store.getQueueUrl({ QueueName: 'offline-messages' });
    await t.store.sendMessage({ QueueUrl, MessageBody: '{"to":"start-check","text":"hi"}' });
    await eventually(
      () => stdout.includes('"to":"start-check"') && seen('offline message delivered'),
      'the delivery',
    );
    assert.ok(!seen('producer'), 'no producers without --producers');
    child.kill('SIGTERM');
    assert.equal(await exit, 0);
  });
});
