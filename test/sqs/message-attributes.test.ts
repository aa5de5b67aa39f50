/** The refusals of validateMessage, most about message attributes (sentences from errors.ts; see its notes on which are recorded). */
import { describe, it } from 'node:test';
import { errors, type SqsError } from '../../src/sqs/errors.ts';
import { type MessageEntry, validateMessage } from '../../src/sqs/message.ts';
import {
  normalizeCreateAttributes,
  type QueueSettings,
  queueSettings,
} from '../../src/sqs/queue-attributes.ts';
import type { MessageAttributeMap } from '../../src/sqs/types.ts';
import { assertSameError, thrownBy } from './oracle.ts';

const standard = queueSettings(normalizeCreateAttributes('q', {}));
const fifo = queueSettings(normalizeCreateAttributes('q.fifo', { FifoQueue: 'true' }));
const str = (StringValue: string, DataType = 'String') => ({ DataType, StringValue });

describe('validateMessage refuses, with AWS wording', () => {
  const attr = (attrs: MessageAttributeMap): MessageEntry => ({
    MessageBody: 'test',
    MessageAttributes: attrs,
  });
  const bad: [string, MessageEntry, QueueSettings, SqsError][] = [
    ['a missing body', {}, standard, errors.missingParameter('MessageBody')],
    [
      'a NUL in the body',
      { MessageBody: `Invalid-${String.fromCharCode(0)}` },
      standard,
      errors.invalidMessageContents(),
    ],
    [
      'U+FFFF in the body',
      { MessageBody: `Invalid-${String.fromCharCode(0xffff)}` },
      standard,
      errors.invalidMessageContents(),
    ],
    ['a lone surrogate', { MessageBody: '\ud800' }, standard, errors.invalidMessageContents()],
    ['DelaySeconds 901', { MessageBody: 'm', DelaySeconds: 901 }, standard, errors.invalidDelaySeconds(901)],
    ['DelaySeconds -1', { MessageBody: 'm', DelaySeconds: -1 }, standard, errors.invalidDelaySeconds(-1)],
    [
      'a dedup id on a standard queue',
      { MessageBody: 'm', MessageDeduplicationId: 'd' },
      standard,
      errors.notValidForQueueType('MessageDeduplicationId', 'd'),
    ],
    [
      'a missing group id in a batch entry',
      { MessageBody: 'm', MessageDeduplicationId: 'd' },
      fifo,
      errors.groupIdRequired(true),
    ],
    [
      'control characters in a String value',
      attr({ attr1: str(`Invalid-${String.fromCharCode(8)},${String.fromCharCode(11)}`) }),
      standard,
      errors.invalidAttributeCharacters(),
    ],
    [
      'eleven attributes',
      attr(Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`a${i}`, str('v')]))),
      standard,
      errors.tooManyMessageAttributes(11),
    ],
    [
      'a 257-character name',
      attr({ ['L'.repeat(257)]: str('Valid') }),
      standard,
      errors.messageAttributeNameTooLong(),
    ],
    [
      'a name with "!"',
      attr({ 'Invalid-!-attr': str('Valid') }),
      standard,
      errors.invalidMessageAttributeName(),
    ],
    [
      'a name with "§"',
      attr({ 'Invalid-§-attr': str('Valid') }),
      standard,
      errors.invalidMessageAttributeName(),
    ],
    [
      'a name starting with aWs.',
      attr({ 'aWs.-Invalid-attr': str('Valid') }),
      standard,
      errors.reservedMessageAttributeName(),
    ],
    [
      'a name starting with AMAZON.',
      attr({ 'AMAZON.-Invalid-attr': str('Valid') }),
      standard,
      errors.reservedMessageAttributeName(),
    ],
    [
      'a name starting with .',
      attr({ '.-Invalid-attr': str('Valid') }),
      standard,
      errors.reservedMessageAttributeName(),
    ],
    [
      'a name ending with .',
      attr({ 'Invalid.': str('Valid') }),
      standard,
      errors.reservedMessageAttributeName(),
    ],
    [
      'a name with ..',
      attr({ 'Invalid..Name': str('Valid') }),
      standard,
      errors.reservedMessageAttributeName(),
    ],
    [
      'a missing DataType',
      attr({ a: { DataType: '', StringValue: 'v' } }),
      standard,
      errors.missingAttributeDataType('a'),
    ],
    [
      'DataType "Invalid"',
      attr({ Attribute_name: str('Valid', 'Invalid') }),
      standard,
      errors.invalidAttributeDataType('Attribute_name'),
    ],
    [
      'a 263-character DataType',
      attr({ Attribute_name: str('1', `Number.${'L'.repeat(256)}`) }),
      standard,
      errors.attributeDataTypeTooLong(),
    ],
    [
      'a Number that is not one',
      attr({ n: str('abc', 'Number') }),
      standard,
      errors.attributeNotANumber('n'),
    ],
    [
      'a Number of 39 digits',
      attr({ n: str('1'.repeat(39), 'Number') }),
      standard,
      errors.attributeNotANumber('n'),
    ],
    [
      'an empty Binary value',
      attr({ b: { DataType: 'Binary', BinaryValue: new Uint8Array() } }),
      standard,
      errors.emptyAttributeValue('b', 'Binary'),
    ],
    [
      'an unknown system attribute',
      { MessageBody: 'm', MessageSystemAttributes: { Foo: str('x') } },
      standard,
      errors.invalidSystemAttributeName('Foo'),
    ],
    [
      'a Binary AWSTraceHeader',
      {
        MessageBody: 'm',
        MessageSystemAttributes: { AWSTraceHeader: { DataType: 'Binary', BinaryValue: new Uint8Array(1) } },
      },
      standard,
      errors.invalidSystemAttributeType('AWSTraceHeader'),
    ],
  ];
  for (const [label, entry, queue, expected] of bad) {
    it(label, () =>
      assertSameError(
        thrownBy(() => validateMessage(entry, queue, true)),
        expected,
      ),
    );
  }
});
