/**
 * The operator's CLI does not destroy by surprise: it names the endpoint it
 * acts on, asks before purging or deleting (refusing off a terminal without
 * --yes), and will not delete a queue some RedrivePolicy still uses.
 * Real processes against a real server; the terminal is a real pseudo-terminal.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CreateQueueCommand, GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { connectionOf, isLocal, targetOf } from '../../src/cli/common/connection.ts';
import { run, startTestServer, type TestServer } from '../server/harness.ts';
import { cliEnv, fails, ok, okJson, reasons, sluice, targetLine } from './ops-harness.ts';

let t: TestServer;
before(async () => {
  t = await startTestServer();
});
after(() => t.close());

const create = async (QueueName: string, messages = 0, Attributes?: Record<string, string>) => {
  const { QueueUrl } = await t.sqs.send(new CreateQueueCommand({ QueueName, Attributes }));
  for (let i = 0; i < messages; i++)
    await t.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: `m${i}` }));
  return QueueUrl!;
};
const visible = async (QueueUrl: string) => {
  const { Attributes } = await t.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }),
  );
  return Number(Attributes?.ApproximateNumberOfMessages);
};
const exists = async (name: string) =>
  (await okJson<{ name: string }[]>(t, 'queues', 'list', '--prefix', name)).some((q) => q.name === name);

/** `sluice ...args` on a pseudo-terminal, `typed` on its keyboard; output is the terminal's. */
const onTerminal = (typed: string, ...args: string[]) =>
  run(
    '/usr/bin/python3',
    [
      '-c',
      'import os, pty, sys; sys.exit(os.waitstatus_to_exitcode(pty.spawn(sys.argv[1:])))',
      process.execPath,
      ...['--import', 'tsx', 'src/cli/main.ts', ...args],
    ],
    cliEnv(t),
    typed,
  );

describe('the target line', () => {
  it('names endpoint and region on stderr: always for changes, for reads only in table mode', async () => {
    await create('tl-q');
    const send = await sluice(t, 'send', 'tl-q', 'hello', '--json');
    assert.equal(send.code, 0, send.stderr);
    assert.equal(send.stderr, `${targetLine(t)}\n`);
    assert.ok(JSON.parse(send.stdout).messageId, 'stdout stays JSON');
    const table = await sluice(t, 'queues', 'list', '--prefix', 'tl-');
    assert.equal(table.stderr, `${targetLine(t)}\n`);
    const json = await sluice(t, 'queues', 'list', '--prefix', 'tl-', '--json');
    assert.equal(json.stderr, '');
  });

  it('says Amazon SQS when no endpoint is set, and which region', () => {
    assert.equal(targetOf(connectionOf({ region: 'eu-west-1' }, {})), 'Amazon SQS (region eu-west-1)');
    assert.equal(targetOf(connectionOf({}, {})), 'Amazon SQS (region of the AWS profile)');
    assert.equal(
      targetOf(connectionOf({}, { SLUICE_ENDPOINT: 'http://127.0.0.1:9324' })),
      'endpoint http://127.0.0.1:9324 (region us-east-1)',
    );
  });

  it('counts only this machine as local', () => {
    const local = (endpoint?: string) => isLocal(connectionOf(endpoint ? { endpoint } : {}, {}));
    for (const e of [
      'http://127.0.0.1:9324',
      'http://127.9.8.7:1',
      'http://localhost:9324',
      'http://[::1]:9324',
    ])
      assert.equal(local(e), true, e);
    for (const e of [
      undefined,
      'http://10.0.0.5:9324',
      'https://sqs.eu-west-1.amazonaws.com',
      'http://127.example.com',
    ])
      assert.equal(local(e), false, String(e));
  });
});

describe('sluice purge asks first', () => {
  it('refuses a non-empty queue off a terminal without --yes, and purges with it', async () => {
    const url = await create('ps-jobs', 3);
    const refused = await sluice(t, 'purge', 'ps-jobs');
    assert.equal(refused.code, 1);
    assert.equal(refused.stdout, '');
    assert.deepEqual(refused.stderr.trimEnd().split('\n'), [
      targetLine(t),
      `sluice: will not purge 3 messages from "ps-jobs" at endpoint ${t.url} (region us-east-1) without --yes (no terminal to ask on)`,
    ]);
    assert.equal(await visible(url), 3, 'nothing purged');
    assert.equal(await ok(t, 'purge', 'ps-jobs', '--yes'), 'purged ps-jobs\n');
    assert.equal(await visible(url), 0);
    await create('ps-empty');
    assert.equal(await ok(t, 'purge', 'ps-empty'), 'purged ps-empty\n', 'empty and local: no question');
  });

  it('asks on a terminal: y purges, anything else leaves the messages', async () => {
    const url = await create('ps-tty', 2);
    const no = await onTerminal('n\n', 'purge', 'ps-tty');
    assert.match(no.stdout, /Purge 2 messages from "ps-tty" at endpoint \S+ \(region us-east-1\)\? \[y\/N\]/);
    assert.match(no.stdout, /sluice: not confirmed; nothing changed/);
    assert.equal(no.code, 1);
    assert.equal(await visible(url), 2);
    const yes = await onTerminal('y\n', 'purge', 'ps-tty');
    assert.equal(yes.code, 0, yes.stdout);
    assert.match(yes.stdout, /purged ps-tty/);
    assert.equal(await visible(url), 0);
  });
});

describe('sluice queues delete', () => {
  it('refuses a queue that is another queue’s DLQ unless --force', async () => {
    const dlqUrl = await create('qd-dlq');
    await create('qd-jobs', 0, {
      RedrivePolicy: JSON.stringify({
        deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:qd-dlq',
        maxReceiveCount: 3,
      }),
    });
    await fails(
      t,
      'sluice: "qd-dlq" is the dead-letter queue of "qd-jobs" (pass --force to delete it anyway)',
      ...['queues', 'delete', 'qd-dlq'],
    );
    assert.ok(await exists('qd-dlq'));
    assert.equal(await ok(t, 'queues', 'delete', dlqUrl, '--force'), 'deleted qd-dlq\n');
    assert.equal(await exists('qd-dlq'), false);
  });

  it('asks before deleting a queue that holds messages', async () => {
    await create('qd-full', 2);
    const refused = await sluice(t, 'queues', 'delete', 'qd-full');
    assert.equal(refused.code, 1);
    assert.deepEqual(reasons(refused.stderr), [
      `sluice: will not delete "qd-full" and its 2 messages at endpoint ${t.url} (region us-east-1) without --yes (no terminal to ask on)`,
    ]);
    assert.ok(await exists('qd-full'));
    await ok(t, 'queues', 'delete', 'qd-full', '--yes');
    assert.equal(await exists('qd-full'), false);
  });
});

describe('sluice queues create on a queue that exists', () => {
  it('says it already existed, or which attributes differ', async () => {
    await create('qc-there', 0, { VisibilityTimeout: '45' });
    const url = `${t.url}/000000000000/qc-there`;
    assert.equal(await ok(t, 'queues', 'create', 'qc-there'), `qc-there already exists  ${url}\n`);
    assert.equal(
      await ok(t, 'queues', 'create', 'qc-there', '--visibility-timeout', '45'),
      `qc-there already exists  ${url}\n`,
    );
    const json = await okJson<{ created: boolean; url: string }>(t, 'queues', 'create', 'qc-there');
    assert.deepEqual([json.created, json.url], [false, url]);
    assert.equal((await okJson<{ created: boolean }>(t, 'queues', 'create', 'qc-new')).created, true);
    await create('qc-dlq');
    await fails(
      t,
      'sluice: qc-there already exists with other attributes: VisibilityTimeout is 45, not 7; DelaySeconds is 0, not 5; RedrivePolicy is none, not qc-dlq after 3 receives',
      ...['queues', 'create', 'qc-there', '--visibility-timeout', '7', '--delay', '5', '--dlq', 'qc-dlq'],
    );
  });
});
