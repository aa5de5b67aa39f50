/**
 * The wire shapes of the SQS API, written once for both protocols.
 *
 * A shape says what type a member has and, for lists and maps, the element
 * names the query protocol and its XML answers use for them (`AttributeName.1`,
 * `Attribute.1.Name`, `<SendMessageBatchResultEntry>`). The JSON protocol uses
 * the member names as they are. Names and nesting follow the SQS service model
 * (botocore's `sqs/2012-11-05/service-2.json`, query and JSON editions).
 *
 * Shapes describe types only; every rule about values (ranges, lengths, which
 * attribute names exist) belongs to the store.
 */

export type Scalar = 'string' | 'integer' | 'long' | 'boolean' | 'blob';

export type Shape =
  | { readonly kind: Scalar }
  | {
      readonly kind: 'list';
      readonly member: Shape;
      /** Query/XML name of each (flattened) item, e.g. `AttributeName`. */
      readonly item: string;
    }
  | {
      readonly kind: 'map';
      readonly value: Shape;
      /** Query/XML name of each entry and of its key and value, e.g. `Attribute`, `Name`, `Value`. */
      readonly entry: string;
      readonly key: string;
      readonly val: string;
    }
  | { readonly kind: 'structure'; readonly members: Readonly<Record<string, Member>> };

export interface Member {
  readonly shape: Shape;
  /**
   * Required by the service model. Documentation only: the protocols pass
   * absent members on as absent and the store refuses them with AWS's error.
   */
  readonly required?: boolean;
  /** Left out of JSON answers when it is an empty list, as AWS leaves out a batch's empty `Failed`. */
  readonly omitEmpty?: boolean;
}

export type Structure = Extract<Shape, { kind: 'structure' }>;

const scalar = <K extends Scalar>(kind: K) => ({ kind }) as const;
export const str = scalar('string');
export const int = scalar('integer');
export const long = scalar('long');
export const bool = scalar('boolean');
export const blob = scalar('blob');

export const list = (member: Shape, item: string): Shape => ({ kind: 'list', member, item });
const map = (entry: string, key: string, val: string, value: Shape): Shape => ({
  kind: 'map',
  entry,
  key,
  val,
  value,
});

/** A structure; a member written as `'Name!'` is required, one written `'Name?'` is omitted when empty. */
export const struct = (members: Record<string, Shape>): Structure => {
  const out: Record<string, Member> = {};
  for (const [name, shape] of Object.entries(members)) {
    if (name.endsWith('!')) out[name.slice(0, -1)] = { shape, required: true };
    else if (name.endsWith('?')) out[name.slice(0, -1)] = { shape, omitEmpty: true };
    else out[name] = { shape };
  }
  return { kind: 'structure', members: out };
};

export const queueAttributes = map('Attribute', 'Name', 'Value', str);
export const tags = map('Tag', 'Key', 'Value', str);

const attributeValue = struct({
  'DataType!': str,
  StringValue: str,
  BinaryValue: blob,
  StringListValues: list(str, 'StringListValue'),
  BinaryListValues: list(blob, 'BinaryListValue'),
});
export const messageAttributes = map('MessageAttribute', 'Name', 'Value', attributeValue);
export const messageSystemAttributes = map('MessageSystemAttribute', 'Name', 'Value', attributeValue);

export const batchError = struct({ 'Id!': str, 'SenderFault!': bool, 'Code!': str, Message: str });

/** The members every SendMessage shares with a SendMessageBatch entry. */
export const sendMembers = {
  'MessageBody!': str,
  DelaySeconds: int,
  MessageAttributes: messageAttributes,
  MessageSystemAttributes: messageSystemAttributes,
  MessageDeduplicationId: str,
  MessageGroupId: str,
} as const;

export const sendResultMembers = {
  MD5OfMessageBody: str,
  MD5OfMessageAttributes: str,
  MD5OfMessageSystemAttributes: str,
  MessageId: str,
  SequenceNumber: str,
} as const;

export const message = struct({
  MessageId: str,
  ReceiptHandle: str,
  MD5OfBody: str,
  Body: str,
  Attributes: map('Attribute', 'Name', 'Value', str),
  MD5OfMessageAttributes: str,
  MessageAttributes: messageAttributes,
});

export const moveTask = struct({
  TaskHandle: str,
  Status: str,
  SourceArn: str,
  DestinationArn: str,
  MaxNumberOfMessagesPerSecond: int,
  ApproximateNumberOfMessagesMoved: long,
  ApproximateNumberOfMessagesToMove: long,
  FailureReason: str,
  StartedTimestamp: long,
});

/** True if a blob occurs anywhere in the shape (only then must JSON output be re-encoded). */
export function hasBlob(shape: Shape): boolean {
  switch (shape.kind) {
    case 'blob':
      return true;
    case 'list':
      return hasBlob(shape.member);
    case 'map':
      return hasBlob(shape.value);
    case 'structure':
      return Object.values(shape.members).some((m) => hasBlob(m.shape));
    default:
      return false;
  }
}
