import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  messageAttributeSelector,
  requestedSystemAttributeNames,
  systemAttributeSelector,
} from '../../src/sqs/attribute-names.ts';
import { recordedValue } from './oracle.ts';

type Msg = { Attributes?: Record<string, string>; MessageAttributes?: Record<string, unknown> };
/** Some snapshot keys hold the whole ReceiveMessage answer, others its first message. */
function messageOf(test: string, key: string): Msg {
  const node = recordedValue(test, key) as { Messages?: Msg[] } & Msg;
  return node.Messages?.[0] ?? node;
}
const keysOf = (map: Record<string, unknown> | undefined) => Object.keys(map ?? {}).sort();

describe('messageAttributeSelector (test_receive_message_message_attribute_names_filters)', () => {
  const test = 'test_receive_message_message_attribute_names_filters[sqs]';
  const sent = ['General', 'Hello', 'Help.Me'];
  // The MessageAttributeNames each snapshot key was received with (from the recorded test's source).
  const requests: [string, string[]][] = [
    ['empty_filter', []],
    ['all_name', ['All']],
    ['all_wildcard_asterisk', ['*']],
    ['all_wildcard', ['.*']],
    ['only_non_existing_names', ['Foo', 'Help']],
    ['only_existing', ['Hello', 'General']],
    ['existing_and_non_existing', ['Foo', 'Hello']],
    ['prefix_filter', ['Hel.*']],
    ['illegal_name_1', ['AWS.']],
    ['illegal_name_2', ['..foo']],
  ];
  for (const [key, names] of requests) {
    it(`${key}: ${JSON.stringify(names)}`, () => {
      const select = messageAttributeSelector(names);
      assert.deepEqual(sent.filter(select).sort(), keysOf(messageOf(test, key).MessageAttributes));
    });
  }
  it('selects nothing when no names are given', () =>
    assert.equal(messageAttributeSelector(undefined)('Hello'), false));
});

describe('systemAttributeSelector', () => {
  const standardMessage = [
    'ApproximateFirstReceiveTimestamp',
    'ApproximateReceiveCount',
    'SenderId',
    'SentTimestamp',
  ];
  const requests: [string, string[]][] = [
    ['all_attributes', ['All']],
    ['single_attribute', ['SenderId']],
    ['multiple_attributes', ['SenderId', 'SequenceNumber']],
  ];
  for (const test of [
    'test_receive_message_attribute_names_filters[sqs]',
    'test_receive_message_message_system_attribute_names_filters[sqs]',
  ]) {
    for (const [key, names] of requests) {
      it(`${test} / ${key}`, () => {
        const select = systemAttributeSelector(names);
        assert.deepEqual(standardMessage.filter(select).sort(), keysOf(messageOf(test, key).Attributes));
      });
    }
  }

  it('All selects every attribute of a FIFO message (test_fifo_message_attributes)', () => {
    const recordedAttrs = messageOf('test_fifo_message_attributes[sqs]', 'receive_message_0').Attributes;
    const select = systemAttributeSelector(['All']);
    assert.ok(keysOf(recordedAttrs).length === 7 && keysOf(recordedAttrs).every(select));
  });

  it('ignores unknown names instead of failing, and selects nothing by default', () => {
    assert.equal(systemAttributeSelector(['Foo', 'SenderId'])('SenderId'), true);
    assert.equal(systemAttributeSelector(['Foo'])('Foo'), false);
    assert.equal(systemAttributeSelector(undefined)('SenderId'), false);
  });
});

describe('requestedSystemAttributeNames (test_message_system_attribute_names_with_attribute_names)', () => {
  const standardMessage = [
    'ApproximateFirstReceiveTimestamp',
    'ApproximateReceiveCount',
    'SenderId',
    'SentTimestamp',
  ];
  // Recorded with MessageSystemAttributeNames=["All"] and AttributeNames=["All"] / ["SenderId"].
  const requests: [string, { AttributeNames: string[]; MessageSystemAttributeNames: string[] }][] = [
    ['same_values', { AttributeNames: ['All'], MessageSystemAttributeNames: ['All'] }],
    ['different_values', { AttributeNames: ['SenderId'], MessageSystemAttributeNames: ['All'] }],
  ];
  for (const [protocol, suffix] of [
    ['json', 'sqs'],
    ['query', 'sqs_query'],
  ] as const) {
    for (const [key, input] of requests) {
      it(`${protocol} / ${key}`, () => {
        const test = `test_message_system_attribute_names_with_attribute_names[${suffix}]`;
        const select = systemAttributeSelector(requestedSystemAttributeNames(input, protocol));
        assert.deepEqual(standardMessage.filter(select).sort(), keysOf(messageOf(test, key).Attributes));
      });
    }
  }
  it('falls back to whichever list is given', () => {
    assert.deepEqual(requestedSystemAttributeNames({ AttributeNames: ['SenderId'] }), ['SenderId']);
    assert.deepEqual(requestedSystemAttributeNames({ MessageSystemAttributeNames: ['All'] }, 'query'), [
      'All',
    ]);
    assert.equal(requestedSystemAttributeNames({}), undefined);
  });
});
