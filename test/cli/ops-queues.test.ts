/** `sluice queues list|create|delete` as a real process against a real server. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { startTestServer, type TestServer } from '../server/harness.ts';
import { fails, ok, okJson, rows } from './ops-harness.ts';

let t: TestServer;
before(async () => {
  t = await startTestServer();
});
after(() => t.close());

describe('sluice queues', () => {
  it('creates queues (a DLQ, a source with a redrive policy, a FIFO queue), lists and deletes them', async () => {
    assert.match(await ok(t, 'queues', 'create', 'q-dlq'), /^created q-dlq {2}http:\/\/.+\/q-dlq\n$/);
    const source = await okJson<{ name: string; url: string }>(
      t,
      ...['queues', 'create', 'q-source', '--dlq', 'q-dlq', '--max-receive-count', '4'],
      ...['--visibility-timeout', '45'],
    );
    assert.equal(source.name, 'q-source');
    const { Attributes } = await t.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: source.url, AttributeNames: ['All'] }),
    );
    assert.equal(Attributes?.VisibilityTimeout, '45');
    assert.deepEqual(JSON.parse(Attributes?.RedrivePolicy ?? '{}'), {
      deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:q-dlq',
      maxReceiveCount: 4,
    });
    await ok(t, 'queues', 'create', 'q-jobs.fifo', '--content-dedup');

    assert.deepEqual(rows(await ok(t, 'queues', 'list', '--prefix', 'q-')), [
      ['NAME', 'TYPE', 'URL'],
      ['q-dlq', 'standard', `${t.url}/000000000000/q-dlq`],
      ['q-jobs.fifo', 'fifo', `${t.url}/000000000000/q-jobs.fifo`],
      ['q-source', 'standard', `${t.url}/000000000000/q-source`],
    ]);
    const listed = await okJson<{ name: string; fifo: boolean }[]>(t, 'queues', 'list', '--prefix', 'q-j');
    assert.deepEqual(
      listed.map((q) => [q.name, q.fifo]),
      [['q-jobs.fifo', true]],
    );

    assert.equal(
      await ok(t, 'queues', 'delete', `${t.url}/000000000000/q-jobs.fifo`),
      'deleted q-jobs.fifo\n',
    );
    assert.deepEqual(await okJson(t, 'queues', 'list', '--prefix', 'q-j'), []);
    assert.equal(await ok(t, 'queues', 'list', '--prefix', 'nothing-'), 'no queues\n');
  });

  it('refuses unknown queues with AWS’s wording and bad values by name, one line each', async () => {
    await Promise.all([
      fails(t, 'sluice: missing-q: The specified queue does not exist.', 'queues', 'delete', 'missing-q'),
      fails(
        t,
        'sluice: no-dlq: The specified queue does not exist.',
        ...['queues', 'create', 'x-src', '--dlq', 'no-dlq'],
      ),
      fails(
        t,
        'sluice: --visibility-timeout must be an integer 0–43200, got "abc"',
        ...['queues', 'create', 'x', '--visibility-timeout', 'abc'],
      ),
      fails(
        t,
        'sluice: cannot reach http://127.0.0.1:1 (ECONNREFUSED)',
        ...['queues', 'list', '--endpoint', 'http://127.0.0.1:1'],
      ),
      fails(
        t,
        'sluice: --max-receive-count needs --dlq',
        'queues',
        'create',
        'x',
        '--max-receive-count',
        '2',
      ),
      fails(
        t,
        /^sluice: bad name!: Can only include alphanumeric characters/,
        'queues',
        'create',
        'bad name!',
      ),
      fails(
        t,
        'sluice: q-dlq already exists with other attributes: VisibilityTimeout is 30, not 7',
        ...['queues', 'create', 'q-dlq', '--visibility-timeout', '7'],
      ),
      fails(
        t,
        'sluice: --endpoint must be a URL like http://127.0.0.1:9324, got "nowhere"',
        ...['queues', 'list', '--endpoint', 'nowhere'],
      ),
    ]);
  });

  it('prints usage with --help', async () => {
    const help = await ok(t, 'queues', 'create', '--help');
    for (const option of [
      '--dlq',
      '--max-receive-count',
      '--visibility-timeout',
      '--fifo',
      '--endpoint',
      '--json',
    ])
      assert.ok(help.includes(option), option);
  });
});
