/**
 * The field's end-to-end pattern: `sluice dev` as a child process (temporary
 * data directory, ports picked by the OS), a message sent with `sluice send`,
 * its processing seen in the worker's logs and /metrics, a poison message
 * walking to the DLQ after three receives and replayed by `sluice dlq
 * redrive`, the cost job run by hand (`sluice schedule run`), and a clean
 * exit 0 on SIGTERM.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { awsClient } from '../../src/client/aws.ts';
import type { QueueClient } from '../../src/client/queue-client.ts';
import { eventually } from '../support/eventually.ts';
import { type SluiceDev, startSluiceDev } from '../support/sluice-dev.ts';

const dir = mkdtempSync(join(tmpdir(), 'sluice-dev-'));
let dev: SluiceDev;
let endpoint = '';
let health = '';
let client: QueueClient;

const env = { ...process.env, NODE_NO_WARNINGS: '1' };
const stderr = () => dev.stderr();
const logLines = () => dev.logLines();

before(async () => {
  dev = await startSluiceDev(dir, ['--no-producers']);
  ({ endpoint, health } = dev);
  client = awsClient({ endpoint, region: 'us-east-1' });
});

after(async () => {
  if (dev && dev.child.exitCode === null) dev.child.kill('SIGKILL');
  await client?.close();
  rmSync(dir, { recursive: true, force: true });
});

const sluice = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args, '--endpoint', endpoint], {
    env,
    encoding: 'utf8',
  });

const metric = async (name: string, queue: string): Promise<number> => {
  const text = await (await fetch(`${health}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(`queue="${queue}"`));
  return Number(line?.split(' ').at(-1) ?? Number.NaN);
};

const depth = async (queue: string) => {
  const { QueueUrl } = await client.getQueueUrl({ QueueName: queue });
  const { Attributes = {} } = await client.getQueueAttributes({
    QueueUrl,
    AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
  });
  return (
    Number(Attributes.ApproximateNumberOfMessages) + Number(Attributes.ApproximateNumberOfMessagesNotVisible)
  );
};

describe('sluice dev (the reference system)', () => {
  it('prints where everything is, with a command to send a message', () => {
    assert.match(endpoint, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.match(health, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.match(
      stderr(),
      /npx sluice send push-notifications '\{"to":"ana","title":"hello"\}' --endpoint http:/,
    );
    assert.match(stderr(), /schedule\s+cost-collection: "0 2 \* \* \*" America\/New_York/);
  });

  it('processes a message sent with `sluice send`: seen in the logs and /metrics', async () => {
    const sent = sluice('send', 'push-notifications', '{"to":"e2e-check","title":"hi"}', '--json');
    assert.equal(sent.status, 0, sent.stderr);
    const { messageId } = JSON.parse(sent.stdout) as { messageId: string };
    await until(
      () =>
        logLines().some(
          (l) => l.msg === 'push delivered' && l.messageId === messageId && l.to === 'e2e-check',
        ),
      'the push worker to log the delivery',
    );
    assert.ok((await metric('sluice_messages_processed_total', 'push-notifications')) >= 1);
  });

  it('moves a poison message to the DLQ after three receives; `sluice dlq redrive` replays it', async () => {
    const sent = sluice('send', 'push-notifications', '{"to":"poison"}', '--json');
    assert.equal(sent.status, 0, sent.stderr);
    const { messageId } = JSON.parse(sent.stdout) as { messageId: string };
    await until(async () => (await depth('push-notifications-dlq')) === 1, 'the poison message in the DLQ');
    // Two retries, then the worker dead-letters it on the last receive (its DLQ copy has a new id).
    const failed = (l: { msg?: unknown; queue?: unknown }) =>
      l.queue === 'push-notifications' &&
      (l.msg === 'handler failed; retrying' || l.msg === 'sent to the dead-letter queue');
    const failures = () => logLines().filter((l) => l.messageId === messageId && failed(l));
    // The log line of the last attempt may reach stdout just after the DLQ shows the message.
    await until(() => failures().length >= 3, 'the third attempt logged');
    assert.equal(failures().length, 3, 'three failed attempts, then the DLQ');
    assert.ok((await metric('sluice_messages_failed_total', 'push-notifications')) >= 3);

    const before = logLines().filter(failed).length;
    const redrive = sluice('dlq', 'redrive', 'push-notifications-dlq', '--json');
    assert.equal(redrive.status, 0, redrive.stderr);
    await until(() => logLines().filter(failed).length > before, 'the replayed message to be received again');
  });

  it('runs the cost collection on `sluice schedule run`: summary logged, anomaly alerted', async () => {
    const run = sluice(
      'schedule',
      'run',
      'cost-collection',
      'examples/reference/sluice.config.ts',
      '--data',
      dir,
    );
    assert.equal(run.status, 0, run.stderr);
    await until(() => logLines().some((l) => l.msg === 'alert raised'), 'the anomaly alert');
    const finished = logLines().find((l) => l.msg === 'cost collection finished');
    assert.deepEqual(finished?.anomalies, ['acct-umbrella']);
    assert.deepEqual(
      ((finished?.failed ?? []) as { accountId: string }[]).map((f) => f.accountId),
      ['acct-hooli'],
    );
  });

  it('refuses a bad --log-level or LOG_FORMAT in one line, naming it, before starting anything', () => {
    const dev = (args: string[], extra: NodeJS.ProcessEnv = {}) =>
      spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'dev', '--port', '0', ...args], {
        env: { ...env, ...extra },
        encoding: 'utf8',
      });
    const level = dev(['--log-level', 'loud']);
    assert.equal(level.status, 1);
    assert.equal(
      level.stderr,
      'sluice: --log-level must be one of trace, debug, info, warn, error, fatal, silent, got "loud"\n',
    );
    const format = dev([], { LOG_FORMAT: 'text' });
    assert.equal(format.status, 1);
    assert.equal(format.stderr, 'sluice: LOG_FORMAT must be one of json, pretty, got "text"\n');
  });

  it('drains and exits 0 on SIGTERM', async () => {
    dev.child.kill('SIGTERM');
    assert.equal(await dev.exit, 0, stderr());
    assert.match(stderr(), /sluice dev: stopped/);
    assert.ok(logLines().some((l) => l.msg === 'workers stopped'));
  });
});

function until(check: () => boolean | Promise<boolean>, what: string, withinMs = 15_000): Promise<void> {
  return eventually(check, what, {
    withinMs,
    everyMs: 50,
    detail: () => `--- stderr\n${stderr().slice(-2000)}`,
  });
}
