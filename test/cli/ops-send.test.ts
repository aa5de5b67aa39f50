/** `sluice send` and `sluice purge` as a real process against a real server. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
} from '@aws-sdk/client-sqs';
import { startTestServer, type TestServer } from '../server/harness.ts';
import { eventually } from '../support/eventually.ts';
import { fails, ok, okJson, reasons, rows, sluice, sluiceWithEnv, sluiceWithInput } from './ops-harness.ts';

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

  it('carries the trace it runs in (TRACEPARENT) to the consumer, as the AWSTraceHeader', async () => {
    const QueueUrl = (await t.sqs.send(new CreateQueueCommand({ QueueName: 'traced-send' }))).QueueUrl!;
    const TRACEPARENT = '00-5759e988bd862e3fe1be46a994272793-53995c3f42cd8ad8-01';
    for (const args of [['one'], ['many {{i}}', '--count', '2']]) {
      const r = await sluiceWithEnv(t, { TRACEPARENT }, 'send', 'traced-send', ...args);
      assert.equal(r.code, 0, r.stderr);
    }
    const { Messages = [] } = await t.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl,
        MaxNumberOfMessages: 10,
        MessageSystemAttributeNames: ['AWSTraceHeader'],
      }),
    );
    assert.deepEqual(
      Messages.map((m) => [m.Body, m.Attributes?.AWSTraceHeader]).sort(),
      ['many 1', 'many 2', 'one'].map((body) => [
        body,
        'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1',
      ]),
    );
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

describe('sluice send, many messages', () => {
  const queue = async (QueueName: string, Attributes?: Record<string, string>) =>
    (await t.sqs.send(new CreateQueueCommand({ QueueName, Attributes }))).QueueUrl!;
  /** Every message of the queue, received once (hidden for 5 minutes). */
  const drain = async (QueueUrl: string, expected: number) => {
    const bodies: string[] = [];
    await eventually(
      async () => {
        const { Messages = [] } = await t.sqs.send(
          new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 300 }),
        );
        bodies.push(...Messages.map((m) => m.Body!));
        return bodies.length >= expected;
      },
      `${expected} messages`,
      { withinMs: 30_000 },
    );
    return bodies;
  };

  it('--file: one message per line, in batches, and a summary', async () => {
    const url = await queue('bulk-file');
    const lines = Array.from({ length: 25 }, (_, i) => JSON.stringify({ n: i + 1, text: `line ${i + 1}` }));
    const file = join(dir, 'messages.ndjson');
    writeFileSync(file, `${lines.join('\n')}\n`);
    assert.equal(await ok(t, 'send', 'bulk-file', '--file', file), 'sent 25 messages to bulk-file\n');
    assert.deepEqual((await drain(url, 25)).sort(), [...lines].sort());
  });

  it('stdin: one message per line when no body is given', async () => {
    const url = await queue('bulk-stdin');
    const lines = Array.from({ length: 12 }, (_, i) => `piped ${i}`);
    const r = await sluiceWithInput(t, `${lines.join('\r\n')}\r\n\r\n`, 'send', 'bulk-stdin', '--json');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { queue: 'bulk-stdin', sent: 12, failed: [] });
    assert.deepEqual((await drain(url, 12)).sort(), [...lines].sort());
  });

  it('--count: the body N times with {{i}} replaced, also in FIFO ids; a FIFO queue gets them in order', async () => {
    const url = await queue('bulk-count.fifo', { FifoQueue: 'true' });
    assert.equal(
      await ok(
        t,
        'send',
        'bulk-count.fifo',
        'job {{i}}',
        '--count',
        '15',
        '--group',
        'g',
        '--dedup',
        'd-{{i}}',
      ),
      'sent 15 messages to bulk-count.fifo\n',
    );
    const bodies: string[] = [];
    for (let i = 0; i < 15; i++) {
      const { Messages = [] } = await t.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, VisibilityTimeout: 300 }),
      );
      bodies.push(...Messages.map((m) => m.Body!));
      if (bodies.length === 15) break;
      // A group's next messages are delivered once these are gone.
      for (const m of Messages)
        await t.sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle }));
    }
    assert.deepEqual(
      bodies,
      Array.from({ length: 15 }, (_, i) => `job ${i + 1}`),
      'in order within the group, none deduplicated away',
    );
  });

  it('reports each refused line with its number and SQS’s reason, sends the rest, exits 1', async () => {
    const url = await queue('bulk-bad');
    const file = join(dir, 'bad.ndjson');
    writeFileSync(file, ['one', 'two', 'bad \u0001 char', '', 'four', 'five'].join('\n'));
    const r = await sluice(t, 'send', 'bulk-bad', '--file', file);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, 'sent 4 of 5 messages to bulk-bad\n');
    const [line, summary, ...rest] = reasons(r.stderr);
    assert.match(line!, /^sluice: line 3: .*[Ii]nvalid/);
    assert.equal(summary, 'sluice: 1 of 5 messages not sent');
    assert.deepEqual(rest, []);
    assert.deepEqual((await drain(url, 4)).sort(), ['five', 'four', 'one', 'two']);
  });

  it('refuses what it cannot send, one line each', async () => {
    await Promise.all([
      fails(
        t,
        'sluice: --count needs a body (its template)',
        'send',
        'mail',
        '--count',
        '3',
        '--file',
        '/dev/null',
      ),
      fails(t, 'sluice: give a body or --file, not both', 'send', 'mail', 'x', '--file', '/dev/null'),
      fails(t, 'sluice: nothing to send: /dev/null has no lines', 'send', 'mail', '--file', '/dev/null'),
      fails(
        t,
        /^sluice: --file \/no\/such: cannot read it \(ENOENT\)$/,
        'send',
        'mail',
        '--file',
        '/no/such',
      ),
      fails(t, 'sluice: --count must be an integer 1–1000000, got "0"', 'send', 'mail', 'x', '--count', '0'),
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
