import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ACTIONS } from '../../src/protocol/actions.ts';
import { parseQueryRequest } from '../../src/protocol/query.ts';
import { xmlError, xmlEscape, xmlResult } from '../../src/protocol/xml.ts';
import { errors, SqsError } from '../../src/sqs/errors.ts';

const form = (s: string) => new URLSearchParams(s);
const parse = (s: string, pathQueueUrl?: string) => parseQueryRequest(form(s), pathQueueUrl);

describe('query protocol: requests', () => {
  it('reads flattened maps and lists (as botocore writes them)', () => {
    const { action, input } = parse(
      'Action=CreateQueue&Version=2012-11-05&QueueName=x&Attribute.1.Name=DelaySeconds&Attribute.1.Value=1' +
        '&Attribute.2.Name=Policy&Attribute.2.Value=&Tag.1.Key=k&Tag.1.Value=v',
    );
    assert.equal(action.name, 'CreateQueue');
    assert.deepEqual(input, {
      QueueName: 'x',
      Attributes: { DelaySeconds: '1', Policy: '' },
      tags: { k: 'v' },
    });
    assert.deepEqual(parse('Action=UntagQueue&QueueUrl=q&TagKey.1=a&TagKey.2=b').input, {
      QueueUrl: 'q',
      TagKeys: ['a', 'b'],
    });
    assert.deepEqual(
      parse('Action=AddPermission&QueueUrl=q&Label=l&AWSAccountId.1=1&ActionName.1=SendMessage').input,
      { QueueUrl: 'q', Label: 'l', AWSAccountIds: ['1'], Actions: ['SendMessage'] },
    );
  });

  it('reads message attributes, lists in attribute values, and nested batch entries', () => {
    const { input } = parse(
      'Action=SendMessageBatch&QueueUrl=q&SendMessageBatchRequestEntry.1.Id=1&SendMessageBatchRequestEntry.1.MessageBody=b' +
        '&SendMessageBatchRequestEntry.1.DelaySeconds=1' +
        '&SendMessageBatchRequestEntry.1.MessageAttribute.1.Name=a' +
        '&SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.DataType=Binary' +
        '&SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.BinaryValue=AQI%3D' +
        '&SendMessageBatchRequestEntry.1.MessageAttribute.2.Name=c' +
        '&SendMessageBatchRequestEntry.1.MessageAttribute.2.Value.DataType=String' +
        '&SendMessageBatchRequestEntry.1.MessageAttribute.2.Value.StringListValue.1=x' +
        '&SendMessageBatchRequestEntry.2.Id=2&SendMessageBatchRequestEntry.2.MessageBody=two' +
        '&SendMessageBatchRequestEntry.2.MessageSystemAttribute.1.Name=AWSTraceHeader' +
        '&SendMessageBatchRequestEntry.2.MessageSystemAttribute.1.Value.DataType=String' +
        '&SendMessageBatchRequestEntry.2.MessageSystemAttribute.1.Value.StringValue=t',
    );
    const entries = input.Entries as Record<string, unknown>[];
    assert.equal(entries.length, 2);
    assert.equal(entries[0]!.DelaySeconds, 1);
    const attrs = entries[0]!.MessageAttributes as Record<string, Record<string, unknown>>;
    assert.deepEqual([...(attrs.a!.BinaryValue as Uint8Array)], [1, 2]);
    assert.deepEqual(attrs.c, { DataType: 'String', StringListValues: ['x'] });
    assert.deepEqual(entries[1]!.MessageSystemAttributes, {
      AWSTraceHeader: { DataType: 'String', StringValue: 't' },
    });
  });

  it('orders list items by index and tolerates gaps', () => {
    const { input } = parse(
      'Action=ReceiveMessage&QueueUrl=q&MessageAttributeName.10=c&MessageAttributeName.2=b&MessageAttributeName.1=a',
    );
    assert.deepEqual(input.MessageAttributeNames, ['a', 'b', 'c']);
  });

  it('lets AttributeName win over MessageSystemAttributeName, as SQS does over query', () => {
    const both = parse(
      'Action=ReceiveMessage&QueueUrl=q&AttributeName.1=SenderId&MessageSystemAttributeName.1=All',
    ).input;
    assert.deepEqual(both.AttributeNames, ['SenderId']);
    assert.equal(both.MessageSystemAttributeNames, undefined);
    const only = parse('Action=ReceiveMessage&QueueUrl=q&MessageSystemAttributeName.1=All').input;
    assert.deepEqual(only.MessageSystemAttributeNames, ['All']);
  });

  it('takes the queue URL from the path unless a QueueUrl parameter is given', () => {
    assert.equal(parse('Action=PurgeQueue', 'http://h/0/from-path').input.QueueUrl, 'http://h/0/from-path');
    assert.equal(
      parse('Action=PurgeQueue&QueueUrl=http://x/0/param', 'http://h/0/from-path').input.QueueUrl,
      'http://x/0/param',
    );
    assert.deepEqual(parse('Action=GetQueueUrl&QueueName=q', 'http://h/0/from-path').input, {
      QueueName: 'q',
    });
  });

  it('refuses actions about no one queue at a queue path, as SQS does', () => {
    assert.deepEqual(parse('Action=ListQueues').input, {});
    for (const s of ['Action=ListQueues', 'Action=CreateQueue&QueueName=x']) {
      assert.throws(
        () => parse(s, 'http://h/0/from-path'),
        (e: unknown) =>
          e instanceof SqsError &&
          e.code === 'InvalidAction' &&
          e.message === `The action ${s.slice(7).split('&')[0]} is not valid for this endpoint.`,
      );
    }
  });

  it('answers a GET that names no action UnknownOperationException (404); a POST, InvalidAction', () => {
    const get = (s: string) => () => parseQueryRequest(form(s), undefined, true);
    assert.throws(get('Version=2012-11-05'), (e: unknown) => e instanceof SqsError && e.status === 404);
    assert.throws(get('Action='), (e: unknown) => e instanceof SqsError && e.code === 'InvalidAction');
    assert.equal(xmlError(errors.invalidAction('x'), 'r').status, 400);
  });

  it('refuses numbers that are not numbers with InvalidParameterValue', () => {
    for (const v of ['abc', '1.5', '', '99999999999', '1e3']) {
      assert.throws(
        () => parse(`Action=ReceiveMessage&QueueUrl=q&MaxNumberOfMessages=${v}`),
        (e: unknown) => e instanceof SqsError && e.code === 'InvalidParameterValue',
        v,
      );
    }
  });

  it('refuses unknown or missing actions, and map entries without a key', () => {
    for (const s of ['Action=Nope', 'Version=2012-11-05', 'Action=toString', 'Action=']) {
      assert.throws(
        () => parse(s),
        (e: unknown) => e instanceof SqsError && e.code === 'InvalidAction',
      );
    }
    assert.throws(
      () => parse('Action=TagQueue&QueueUrl=q&Tag.1.Value=v'),
      (e: unknown) => e instanceof SqsError && e.code === 'MissingParameter' && /Tag\.1\.Key/.test(e.message),
    );
  });
});

describe('query protocol: XML answers', () => {
  it('escapes markup, quotes and CR, and replaces what XML cannot carry', () => {
    assert.equal(
      xmlEscape(`<a href="x">'&'</a>\r\n\t`),
      '&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;&#xD;\n\t',
    );
    assert.equal(xmlEscape('a\u0000b\uFFFEc\uD800d'), 'a\uFFFDb\uFFFDc\uFFFDd');
    assert.equal(xmlEscape('😀'), '😀');
  });

  it('writes results in the SQS namespace with flattened lists and maps', () => {
    const xml = xmlResult(
      ACTIONS.get('ReceiveMessage')!,
      {
        Messages: [
          {
            MessageId: 'm',
            Body: 'a<b',
            Attributes: { SenderId: 's' },
            MessageAttributes: {
              bin: { DataType: 'Binary', BinaryValue: new Uint8Array([1, 2, 3]) },
              list: { DataType: 'String', StringListValues: ['x', 'y'] },
            },
          },
        ],
      },
      'rid',
    );
    assert.equal(
      xml,
      '<?xml version="1.0"?><ReceiveMessageResponse xmlns="http://queue.amazonaws.com/doc/2012-11-05/">' +
        '<ReceiveMessageResult><Message><MessageId>m</MessageId><Body>a&lt;b</Body>' +
        '<Attribute><Name>SenderId</Name><Value>s</Value></Attribute>' +
        '<MessageAttribute><Name>bin</Name><Value><DataType>Binary</DataType><BinaryValue>AQID</BinaryValue></Value></MessageAttribute>' +
        '<MessageAttribute><Name>list</Name><Value><DataType>String</DataType><StringListValue>x</StringListValue><StringListValue>y</StringListValue></Value></MessageAttribute>' +
        '</Message></ReceiveMessageResult><ResponseMetadata><RequestId>rid</RequestId></ResponseMetadata></ReceiveMessageResponse>',
    );
  });

  it('writes an empty result self-closing, as SQS does', () => {
    assert.equal(
      xmlResult(ACTIONS.get('ReceiveMessage')!, {}, 'r'),
      '<?xml version="1.0"?><ReceiveMessageResponse xmlns="http://queue.amazonaws.com/doc/2012-11-05/">' +
        '<ReceiveMessageResult/><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></ReceiveMessageResponse>',
    );
  });

  it('writes batch results and actions without output', () => {
    const xml = xmlResult(
      ACTIONS.get('DeleteMessageBatch')!,
      {
        Successful: [{ Id: 'a' }],
        Failed: [{ Id: 'b', SenderFault: true, Code: 'ReceiptHandleIsInvalid', Message: 'm' }],
      },
      'r',
    );
    assert.match(xml, /<DeleteMessageBatchResultEntry><Id>a<\/Id><\/DeleteMessageBatchResultEntry>/);
    assert.match(
      xml,
      /<BatchResultErrorEntry><Id>b<\/Id><SenderFault>true<\/SenderFault><Code>ReceiptHandleIsInvalid<\/Code><Message>m<\/Message><\/BatchResultErrorEntry>/,
    );
    assert.equal(
      xmlResult(ACTIONS.get('DeleteQueue')!, undefined, 'r'),
      '<?xml version="1.0"?><DeleteQueueResponse xmlns="http://queue.amazonaws.com/doc/2012-11-05/"><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></DeleteQueueResponse>',
    );
  });

  it('writes errors as ErrorResponse, with the query wording for a missing queue', () => {
    const wire = xmlError(errors.queueDoesNotExist(), 'rid');
    assert.equal(wire.status, 400);
    assert.equal(
      wire.body,
      '<?xml version="1.0"?><ErrorResponse xmlns="http://queue.amazonaws.com/doc/2012-11-05/"><Error><Type>Sender</Type>' +
        '<Code>AWS.SimpleQueueService.NonExistentQueue</Code><Message>The specified queue does not exist for this wsdl version.</Message>' +
        '<Detail/></Error><RequestId>rid</RequestId></ErrorResponse>',
    );
    assert.equal(xmlError(errors.purgeInProgress('q'), 'r').status, 403);
  });
});
