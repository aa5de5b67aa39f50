/**
 * A received SQS message as EventBridge Pipes hands it to a target: one
 * record of the JSON array a pipe's child finds in SQS_BODY. The shape is the
 * one of the Pipes user guide's example events (eb-pipes-sqs, "Standard
 * queue" and "FIFO queue"), which is Lambda's SQS record:
 *
 *   messageId, receiptHandle, body,
 *   attributes         ApproximateReceiveCount, SentTimestamp, SenderId,
 *                      ApproximateFirstReceiveTimestamp; on a FIFO queue also
 *                      SequenceNumber, MessageGroupId, MessageDeduplicationId;
 *                      AWSTraceHeader and DeadLetterQueueSourceArn when the
 *                      message has them (as Lambda adds them)
 *   messageAttributes  name → { stringValue | binaryValue (base64),
 *                      stringListValues: [], binaryListValues: [], dataType }
 *   md5OfMessageAttributes  only when the message has attributes
 *   md5OfBody, eventSource "aws:sqs", eventSourceARN, awsRegion
 */
import { parseQueueArn } from '../sqs/names.ts';
import type { Message, MessageAttributeValue } from '../sqs/types.ts';

export interface PipeMessageAttribute {
  stringValue?: string;
  /** Base64. */
  binaryValue?: string;
  stringListValues: string[];
  binaryListValues: string[];
  dataType: string;
}

export interface PipeRecord {
  messageId: string;
  receiptHandle: string;
  body: string;
  attributes: Record<string, string>;
  messageAttributes: Record<string, PipeMessageAttribute>;
  md5OfMessageAttributes?: string;
  md5OfBody: string;
  eventSource: 'aws:sqs';
  eventSourceARN: string;
  awsRegion: string;
}

/** Where the records come from: the queue's ARN and its region. */
export interface PipeSource {
  readonly eventSourceARN: string;
  readonly awsRegion: string;
}

/** @example pipeSource('arn:aws:sqs:us-east-2:123456789012:my-queue').awsRegion; // 'us-east-2' */
export function pipeSource(queueArn: string): PipeSource {
  return Object.freeze({ eventSourceARN: queueArn, awsRegion: parseQueueArn(queueArn)?.region ?? '' });
}

/** The system attributes a record carries, in the order of the Pipes examples. */
const ATTRIBUTE_ORDER = [
  'AWSTraceHeader',
  'ApproximateReceiveCount',
  'SentTimestamp',
  'SequenceNumber',
  'MessageGroupId',
  'SenderId',
  'MessageDeduplicationId',
  'ApproximateFirstReceiveTimestamp',
  'DeadLetterQueueSourceArn',
] as const;

const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

function attributeOf(v: MessageAttributeValue): PipeMessageAttribute {
  return {
    ...(v.StringValue !== undefined ? { stringValue: v.StringValue } : {}),
    ...(v.BinaryValue !== undefined ? { binaryValue: base64(v.BinaryValue) } : {}),
    stringListValues: [...(v.StringListValues ?? [])],
    binaryListValues: (v.BinaryListValues ?? []).map(base64),
    dataType: v.DataType,
  };
}

/**
 * One message as a Pipes record (receive it with all system and message attributes).
 * @example
 * const record = pipeRecord(message, pipeSource('arn:aws:sqs:us-east-1:000000000000:jobs'));
 */
export function pipeRecord(m: Message, source: PipeSource): PipeRecord {
  const attributes: Record<string, string> = {};
  for (const name of ATTRIBUTE_ORDER) {
    const value = m.Attributes?.[name];
    if (value !== undefined) attributes[name] = value;
  }
  const messageAttributes: Record<string, PipeMessageAttribute> = {};
  for (const [name, value] of Object.entries(m.MessageAttributes ?? {}))
    messageAttributes[name] = attributeOf(value);
  return {
    messageId: m.MessageId,
    receiptHandle: m.ReceiptHandle,
    body: m.Body,
    attributes,
    messageAttributes,
    ...(m.MD5OfMessageAttributes ? { md5OfMessageAttributes: m.MD5OfMessageAttributes } : {}),
    md5OfBody: m.MD5OfBody,
    eventSource: 'aws:sqs',
    eventSourceARN: source.eventSourceARN,
    awsRegion: source.awsRegion,
  };
}
