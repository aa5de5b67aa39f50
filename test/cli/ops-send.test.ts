/** `sluice send` and `sluice purge` as a real process against a real server. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { startTestServer, type TestServer } from '../server/harness.ts';
import { fails, ok, okJson, rows } from './ops-harness.ts';

let t: TestServer;
let url: string;
let fifoUrl: string;
const dir = mkdtempSync(join(tmpdir(), 'sluice-ops-send-'));
before(async () => {
  t = await startTestServer();
  url = (await t.sqs.send(new CreateQueueCommand({ QueueName: 'mail' }))).QueueUrl!;
  fifoUrl = (
    await t.sqs.send(new CreateQueueCommand({ QueueName: 'ledger.fifo', Attributes: { FifoQueue: 'true' } }))
  ).QueueUrl!;
});
after(async () => {
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

const receiveAll = async (QueueUrl: string) =>
  (
    await t.sqs.send(
      new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'] }),
    )
  ).Messages ?? [];

describe('sluice send', () => {
  it('sends a body, a file, attributes and a delay; prints a table or JSON', async () => {
    const table = rows(await ok(t, 'send', 'mail', 'hello', '--attr', 'kind=welcome', '--attr=n:Number=3'));
    assert.deepEqual(table[0], ['QUEUE', 'MESSAGE ID', 'SEQUENCE']);
    assert.equal(table[1]?.[0], 'mail');
    const file = join(dir, 'body.json');
    writeFileSync(file, '{"to":"a@b.c"}\n');
    const sent = await okJson<{ queue: string; messageId: string }>(t, 'send', url, `@${file}`);
    assert.equal(sent.queue, 'mail');
    await ok(t, 'send', 'mail', 'later', '--delay', '600');

    const messages = await receiveAll(url);
    const byBody = new Map(messages.map((m) => [m.Body, m]));
    assert.deepEqual(
      [...byBody.keys()].sort(),
      ['hello', '{"to":"a@b.c"}\n'],
      'the delayed one is not visible',
    );
    assert.equal(byBody.get('{"to":"a@b.c"}\n')?.MessageId, sent.messageId);
    assert.deepEqual(byBody.get('hello')?.MessageAttributes, {
      kind: { DataType: 'String', StringValue: 'welcome' },
      n: { DataType: 'Number', StringValue: '3' },
    });
  });

  it('sends to a FIFO queue with a group and a deduplication id', async () => {
    const first = await okJson<{ sequenceNumber: string; messageId: string }>(
      t,
      ...['send', 'ledger.fifo', 'credit', '--group', 'acct-1', '--dedup', 'tx-1'],
    );
    assert.match(first.sequenceNumber, /^\d+$/);
    const again = await okJson<{ messageId: string }>(
      t,
      ...['send', 'ledger.fifo', 'credit', '--group', 'acct-1', '--dedup', 'tx-1'],
    );
    assert.equal(again.messageId, first.messageId, 'deduplicated');
    assert.equal((await receiveAll(fifoUrl)).length, 1);
  });

  it('refuses unknown queues, bad values and FIFO sends without a group, one line each', async () => {
    await Promise.all([
      fails(t, 'sluice: nowhere: The specified queue does not exist.', 'send', 'nowhere', 'x'),
      fails(
        t,
        'sluice: --delay must be an integer 0–900, got "1000"',
        'send',
        'mail',
        'x',
        '--delay',
        '1000',
      ),
      fails(
        t,
        'sluice: --attr must be key=value or key:Number=value, got "novalue"',
        'send',
        'mail',
        'x',
        '--attr',
        'novalue',
      ),
      fails(t, 'sluice: --attr n is a Number, got "many"', 'send', 'mail', 'x', '--attr', 'n:Number=many'),
      fails(
        t,
        /^sluice: @\/no\/such\/file: cannot read the body \(ENOENT\)$/,
        'send',
        'mail',
        '@/no/such/file',
      ),
      fails(t, /^sluice: ledger\.fifo: .*MessageGroupId/, 'send', 'ledger.fifo', 'x'),
    ]);
  });
});

describe('sluice purge', () => {
  it('empties a queue, and names a queue that does not exist', async () => {
    await ok(t, 'send', 'mail', 'to be purged');
    assert.equal(await ok(t, 'purge', 'mail', '--yes'), 'purged mail\n');
    const { Attributes } = await t.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages'] }),
    );
    assert.equal(Attributes?.ApproximateNumberOfMessages, '0');
    await fails(t, 'sluice: gone: The specified queue does not exist.', 'purge', 'gone');
    assert.deepEqual(await okJson(t, 'purge', 'ledger.fifo', '--yes'), {
      name: 'ledger.fifo',
      url: fifoUrl,
      purged: true,
    });
  });
});
