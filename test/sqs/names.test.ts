import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { errors } from '../../src/sqs/errors.ts';
import { parseQueueArn, parseQueueUrl, queueArn, validateQueueName } from '../../src/sqs/names.ts';
import { assertSameError, recordedError, recordedValue, thrownBy } from './oracle.ts';

describe('validateQueueName', () => {
  const valid: [string, boolean][] = [
    ['a', false],
    ['orders_2024-eu', false],
    ['x'.repeat(80), false],
    ['orders.fifo', true],
    [`${'x'.repeat(75)}.fifo`, true],
  ];
  for (const [name, fifo] of valid) {
    it(`accepts ${name.length > 20 ? `${name.length} chars` : name} (fifo=${fifo})`, () =>
      validateQueueName(name, fifo));
  }

  const invalid: [string, string, boolean][] = [
    ['empty', '', false],
    ['81 characters', 'x'.repeat(81), false],
    ['a slash', 'queue/abc', false],
    ['a dot', 'my.queue', false],
    ['a space', 'my queue', false],
    ['.fifo on a standard queue', 'orders.fifo', false],
    ['FIFO without .fifo', 'orders', true],
    ['FIFO of 81 characters with the suffix', `${'x'.repeat(76)}.fifo`, true],
    ['FIFO with only the suffix', '.fifo', true],
  ];
  for (const [label, name, fifo] of invalid) {
    it(`refuses ${label}`, () => {
      const err = thrownBy(() => validateQueueName(name, fifo));
      const expected = errors.invalidQueueName(fifo);
      assertSameError(err, { code: 'InvalidParameterValue', message: expected.message });
    });
  }
});

describe('parseQueueUrl', () => {
  it('reads account and name from the URLs AWS hands out', () => {
    const url = recordedValue('test_list_queues_pagination', 'list_all', 'QueueUrls', 0);
    assert.equal(typeof url, 'string');
    assert.deepEqual(parseQueueUrl(url as string), {
      accountId: '111111111111',
      name: '7f7df0f5-test-queue-0',
    });
  });

  const cases: [string, string, { accountId: string; name: string }][] = [
    ['sluice', 'http://127.0.0.1:9324/000000000000/orders', { accountId: '000000000000', name: 'orders' }],
    [
      'AWS',
      'https://sqs.us-east-1.amazonaws.com/123456789012/a.fifo',
      { accountId: '123456789012', name: 'a.fifo' },
    ],
    ['a trailing slash', 'http://h/000000000000/q/', { accountId: '000000000000', name: 'q' }],
    [
      'a path prefix',
      'http://h:4566/queue/us-east-1/000000000000/q',
      { accountId: '000000000000', name: 'q' },
    ],
    ['a bare path', '/000000000000/q', { accountId: '000000000000', name: 'q' }],
    [
      'a query string',
      'http://h/000000000000/q?Action=SendMessage',
      { accountId: '000000000000', name: 'q' },
    ],
  ];
  for (const [label, url, expected] of cases) {
    it(`parses ${label}`, () => assert.deepEqual(parseQueueUrl(url), expected));
  }

  const expected = recordedError('test_non_existent_queue', 'queue-does-not-exist-url');
  for (const url of ['', 'http://h/', 'orders', 'http://h/orders', 'http://h/000000000000/bad name']) {
    it(`answers NonExistentQueue for ${JSON.stringify(url)}`, () =>
      assertSameError(
        thrownBy(() => parseQueueUrl(url)),
        expected,
      ));
  }

  it('accepts a bare queue name when given the caller account (as SQS does)', () => {
    assert.deepEqual(parseQueueUrl('orders', '000000000000'), { accountId: '000000000000', name: 'orders' });
  });
});

describe('queue ARNs', () => {
  it('builds ARNs in the partition of the region', () => {
    assert.equal(queueArn('us-east-1', '000000000000', 'q'), 'arn:aws:sqs:us-east-1:000000000000:q');
    assert.equal(queueArn('cn-north-1', '1', 'q'), 'arn:aws-cn:sqs:cn-north-1:1:q');
    assert.equal(queueArn('us-gov-west-1', '1', 'q'), 'arn:aws-us-gov:sqs:us-gov-west-1:1:q');
  });

  it('parses what it builds, and the ARNs AWS reports', () => {
    assert.deepEqual(parseQueueArn(queueArn('eu-west-1', '000000000000', 'a.fifo')), {
      region: 'eu-west-1',
      accountId: '000000000000',
      name: 'a.fifo',
    });
    // The recording replaces the name with "<resource:1>", whose colon would split an ARN.
    const recordedArn = String(recordedValue('test_dead_letter_queue_message_attributes', 'dlq-arn'));
    assert.deepEqual(parseQueueArn(recordedArn.replace('<resource:1>', 'dlq')), {
      region: '<region>',
      accountId: '111111111111',
      name: 'dlq',
    });
  });

  for (const arn of [
    'dummy',
    'arn:aws:sns:us-east-1:1:topic',
    'arn:aws:sqs:us-east-1:1',
    'arn:aws:sqs::1:q',
    'x:aws:sqs:r:1:q',
  ]) {
    it(`rejects ${arn}`, () => assert.equal(parseQueueArn(arn), undefined));
  }
});
