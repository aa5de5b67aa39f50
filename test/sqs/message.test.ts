import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SqsError } from '../../src/sqs/errors.ts';
import { type MessageEntry, messageSize, validateMessage } from '../../src/sqs/message.ts';
import {
  normalizeCreateAttributes,
  type QueueSettings,
  queueSettings,
} from '../../src/sqs/queue-attributes.ts';
import type { MessageAttributeMap } from '../../src/sqs/types.ts';
import { assertThrowsRecorded, recordedError, recordedValue, thrownBy } from './oracle.ts';

const standard = queueSettings(normalizeCreateAttributes('q', {}));
const small = queueSettings(normalizeCreateAttributes('q', { MaximumMessageSize: '1024' }));
const fifo = queueSettings(normalizeCreateAttributes('q.fifo', { FifoQueue: 'true' }));
const fifoCbd = queueSettings(
  normalizeCreateAttributes('q.fifo', { FifoQueue: 'true', ContentBasedDeduplication: 'true' }),
);
/** The attribute the size tests use: 1 + 6 + 1 = 8 bytes. */
const k: MessageAttributeMap = { k: { DataType: 'String', StringValue: 'x' } };
const str = (StringValue: string, DataType = 'String') => ({ DataType, StringValue });

describe('messageSize', () => {
  it('counts body bytes plus name, type and value bytes per attribute', () => {
    assert.equal(messageSize({ MessageBody: 'a', MessageAttributes: k }), 9);
    assert.equal(messageSize({ MessageBody: 'é' }), 2);
    const binary = { b: { DataType: 'Binary', BinaryValue: new Uint8Array(5) } };
    assert.equal(messageSize({ MessageBody: '', MessageAttributes: binary }), 1 + 6 + 5);
  });
});

describe('validateMessage agrees with the recordings', () => {
  const cases: [string, string, MessageEntry, QueueSettings, boolean][] = [
    ['test_send_empty_message[sqs]', 'send_empty_message', { MessageBody: '' }, standard, false],
    [
      'test_send_oversized_message[sqs]',
      'send_oversized_message',
      { MessageBody: 'a'.repeat(1_048_576 - 8 + 1), MessageAttributes: k },
      standard,
      false,
    ],
    [
      'test_send_message_with_updated_maximum_message_size[sqs]',
      'send_oversized_message',
      { MessageBody: 'a'.repeat(1024 - 8 + 1), MessageAttributes: k },
      small,
      false,
    ],
    [
      'test_fifo_queue_send_message_with_delay_seconds_fails[sqs]',
      'send_message',
      { MessageBody: 'message-1', MessageGroupId: '1', DelaySeconds: 2 },
      fifoCbd,
      false,
    ],
    [
      'test_posting_to_fifo_requires_deduplicationid_group_id[sqs]',
      'invalid-parameter-value',
      { MessageBody: 'test', MessageGroupId: 'fifo_group-1' },
      fifo,
      false,
    ],
    [
      'test_posting_to_fifo_requires_deduplicationid_group_id[sqs]',
      'missing-parameter',
      { MessageBody: 'test', MessageDeduplicationId: 'fifo_dedup-1' },
      fifo,
      false,
    ],
    [
      'test_send_message_with_empty_string_attribute[sqs]',
      'empty-string-attr',
      { MessageBody: 'test', MessageAttributes: { ErrorDetails: str('') } },
      standard,
      false,
    ],
  ];
  for (const [test, key, entry, queue, inBatch] of cases) {
    it(`${test} / ${key}`, () =>
      assertThrowsRecorded(() => validateMessage(entry, queue, inBatch), test, key));
  }

  it('says "cannot be validated" for an oversized batch entry (test_send_batch_message_size)', () => {
    const failed = recordedValue('test_send_batch_message_size', 'send-message-batch-result', 'Failed', 0);
    const { Code, Message, SenderFault } = failed as { Code: string; Message: string; SenderFault: boolean };
    const err = thrownBy(() => validateMessage({ MessageBody: 'a'.repeat(1025) }, small, true)) as SqsError;
    assert.deepEqual([err.code, err.message, err.senderFault], [Code, Message, SenderFault]);
  });

  // The value AWS refused is in its sentence: "Value <v> for parameter P is invalid. Reason: ...".
  const refusedValue = (test: string) => {
    const { message } = recordedError(test, 'error-response');
    return /^Value (.*) for parameter/s.exec(message)?.[1] ?? assert.fail(message);
  };
  for (const variant of ['empty', 'too_long', 'spaces']) {
    const groupTest = `test_send_message_to_standard_queue_with_invalid_message_group_id[${variant}]`;
    it(groupTest, () => {
      const entry = { MessageBody: 'm', MessageGroupId: refusedValue(groupTest) };
      assertThrowsRecorded(() => validateMessage(entry, standard, false), groupTest, 'error-response');
    });
    const dedupTest = `test_message_deduplication_id_invalid[${variant}]`;
    it(`${dedupTest} (format is checked before the queue type)`, () => {
      const entry = {
        MessageBody: 'm',
        MessageGroupId: 'g',
        MessageDeduplicationId: refusedValue(dedupTest),
      };
      for (const queue of [standard, fifo]) {
        assertThrowsRecorded(() => validateMessage(entry, queue, false), dedupTest, 'error-response');
      }
    });
  }
});

describe('validateMessage accepts what SQS accepts', () => {
  const ok: [string, MessageEntry, QueueSettings][] = [
    ['a body of exactly MaximumMessageSize', { MessageBody: 'a'.repeat(1024) }, small],
    ['tab, newline, carriage return, quotes', { MessageBody: '"&quot;&quot;\r\n\t' }, standard],
    ['astral characters', { MessageBody: 'emoji 🎉' }, standard],
    [
      'MessageGroupId on a standard queue (fair queues)',
      { MessageBody: 'm', MessageGroupId: 'test' },
      standard,
    ],
    [
      'DelaySeconds 0 on FIFO',
      { MessageBody: 'm', MessageGroupId: 'g', MessageDeduplicationId: 'd', DelaySeconds: 0 },
      fifo,
    ],
    ['DelaySeconds 900 on standard', { MessageBody: 'm', DelaySeconds: 900 }, standard],
    ['content-based deduplication', { MessageBody: 'm', MessageGroupId: 'g' }, fifoCbd],
    [
      'punctuation ids',
      {
        MessageBody: 'm',
        MessageGroupId: '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~',
        MessageDeduplicationId: 'a'.repeat(128),
      },
      fifo,
    ],
    [
      'Latin letters in an attribute name',
      { MessageBody: 'm', MessageAttributes: { 'attr.1øßä': str('Valida') } },
      standard,
    ],
    [
      'a Number attribute',
      { MessageBody: 'm', MessageAttributes: { timestamp: str('1614717034367', 'Number') } },
      standard,
    ],
    [
      'a custom type suffix',
      { MessageBody: 'm', MessageAttributes: { n: str('-1.5e10', 'Number.float') } },
      standard,
    ],
    [
      'ten attributes',
      {
        MessageBody: 'm',
        MessageAttributes: Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`a${i}`, str('v')])),
      },
      standard,
    ],
    [
      'an AWSTraceHeader',
      {
        MessageBody: 'm',
        MessageSystemAttributes: { AWSTraceHeader: str('Root=1-5759e988-bd862e3fe1be46a994272793') },
      },
      standard,
    ],
  ];
  for (const [label, entry, queue] of ok) it(label, () => validateMessage(entry, queue, false));
});
