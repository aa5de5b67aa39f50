/**
 * The valid requests the fuzzer breaks: each would change the queues if it
 * were accepted (sends, deletes, purges, attribute changes).
 */

export interface Targets {
  queueUrl: string;
  maxBody: number;
}

/** Valid JSON inputs of state-changing actions (all need at least one member, so `{}` fails too). */
export function templates(t: Targets): [string, Record<string, unknown>][] {
  const QueueUrl = t.queueUrl;
  return [
    [
      'SendMessage',
      {
        QueueUrl,
        MessageBody: 'fuzz',
        DelaySeconds: 0,
        MessageAttributes: { a: { DataType: 'String', StringValue: 'v' } },
      },
    ],
    ['SendMessageBatch', { QueueUrl, Entries: [{ Id: 'a', MessageBody: 'x', DelaySeconds: 0 }] }],
    ['DeleteQueue', { QueueUrl }],
    ['PurgeQueue', { QueueUrl }],
    ['SetQueueAttributes', { QueueUrl, Attributes: { VisibilityTimeout: '5' } }],
    ['TagQueue', { QueueUrl, Tags: { k: 'v' } }],
    ['CreateQueue', { QueueName: 'fuzz-created', Attributes: { DelaySeconds: '1' }, tags: { k: 'v' } }],
    [
      'ReceiveMessage',
      { QueueUrl, MaxNumberOfMessages: 1, VisibilityTimeout: 60, MessageAttributeNames: ['All'] },
    ],
    ['ChangeMessageVisibility', { QueueUrl, ReceiptHandle: 'r', VisibilityTimeout: 1 }],
    ['DeleteMessageBatch', { QueueUrl, Entries: [{ Id: 'a', ReceiptHandle: 'r' }] }],
    [
      'StartMessageMoveTask',
      { SourceArn: 'arn:aws:sqs:us-east-1:000000000000:fuzz-a', MaxNumberOfMessagesPerSecond: 1 },
    ],
  ];
}

/** Forms whose last parameter is required: cut before its '=' and the request cannot be valid. */
export function forms(t: Targets): string[] {
  const q = encodeURIComponent(t.queueUrl);
  return [
    `Action=SendMessage&Version=2012-11-05&QueueUrl=${q}&DelaySeconds=0&MessageBody=hello`,
    `Action=CreateQueue&Version=2012-11-05&Attribute.1.Name=DelaySeconds&Attribute.1.Value=1&QueueName=fuzz-created`,
    `Action=DeleteQueue&Version=2012-11-05&QueueUrl=${q}`,
    `Action=PurgeQueue&Version=2012-11-05&QueueUrl=${q}`,
    `Action=DeleteMessage&Version=2012-11-05&QueueUrl=${q}&ReceiptHandle=r`,
    `Action=ChangeMessageVisibility&Version=2012-11-05&QueueUrl=${q}&ReceiptHandle=r&VisibilityTimeout=5`,
  ];
}

export const INT_PARAMS = [
  ['SendMessage', 'MessageBody=x&DelaySeconds'],
  ['ReceiveMessage', 'MaxNumberOfMessages'],
  ['ReceiveMessage', 'WaitTimeSeconds'],
  ['ReceiveMessage', 'VisibilityTimeout'],
  [
    'SendMessageBatch',
    'SendMessageBatchRequestEntry.1.Id=a&SendMessageBatchRequestEntry.1.MessageBody=x&SendMessageBatchRequestEntry.1.DelaySeconds',
  ],
  ['ChangeMessageVisibility', 'ReceiptHandle=r&VisibilityTimeout'],
] as const;
