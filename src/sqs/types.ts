/**
 * The SQS domain's request and result shapes, one per SQS action: the
 * vocabulary of the Store port, the protocols, the worker and the scaler. They follow the
 * SQS API's own member names (as the AWS JSON protocol and the AWS SDK v3 use
 * them), so the JSON protocol passes them through, the query protocol maps its
 * flattened form onto them, and the in-process client hands SDK inputs over
 * unchanged. Binary values are Uint8Array here; wire formats encode them.
 */

export interface MessageAttributeValue {
  DataType: string;
  StringValue?: string;
  BinaryValue?: Uint8Array;
  StringListValues?: string[];
  BinaryListValues?: Uint8Array[];
}

export type MessageAttributeMap = Record<string, MessageAttributeValue>;

export interface QueueUrlInput {
  QueueUrl: string;
}

export interface CreateQueueInput {
  QueueName: string;
  Attributes?: Record<string, string>;
  tags?: Record<string, string>;
}
export interface CreateQueueOutput {
  QueueUrl: string;
}

export interface GetQueueUrlInput {
  QueueName: string;
  QueueOwnerAWSAccountId?: string;
}

export interface ListQueuesInput {
  QueueNamePrefix?: string;
  MaxResults?: number;
  NextToken?: string;
}
export interface ListQueuesOutput {
  QueueUrls?: string[];
  NextToken?: string;
}

export interface GetQueueAttributesInput extends QueueUrlInput {
  AttributeNames?: string[];
}
export interface GetQueueAttributesOutput {
  Attributes?: Record<string, string>;
}

export interface SetQueueAttributesInput extends QueueUrlInput {
  Attributes: Record<string, string>;
}

export interface TagQueueInput extends QueueUrlInput {
  Tags: Record<string, string>;
}
export interface UntagQueueInput extends QueueUrlInput {
  TagKeys: string[];
}
export interface ListQueueTagsOutput {
  Tags?: Record<string, string>;
}

export interface AddPermissionInput extends QueueUrlInput {
  Label: string;
  AWSAccountIds: string[];
  Actions: string[];
}
export interface RemovePermissionInput extends QueueUrlInput {
  Label: string;
}

export interface SendMessageInput extends QueueUrlInput {
  MessageBody: string;
  DelaySeconds?: number;
  MessageAttributes?: MessageAttributeMap;
  /** Only `AWSTraceHeader` (String) is accepted, as in SQS. */
  MessageSystemAttributes?: MessageAttributeMap;
  MessageDeduplicationId?: string;
  MessageGroupId?: string;
}
export interface SendMessageOutput {
  MessageId: string;
  MD5OfMessageBody: string;
  MD5OfMessageAttributes?: string;
  MD5OfMessageSystemAttributes?: string;
  SequenceNumber?: string;
}

export interface SendMessageBatchEntry extends Omit<SendMessageInput, 'QueueUrl'> {
  Id: string;
}
export interface SendMessageBatchInput extends QueueUrlInput {
  Entries: SendMessageBatchEntry[];
}
export interface BatchResultErrorEntry {
  Id: string;
  SenderFault: boolean;
  Code: string;
  Message?: string;
}
export interface SendMessageBatchOutput {
  Successful: (SendMessageOutput & { Id: string })[];
  Failed: BatchResultErrorEntry[];
}

export interface ReceiveMessageInput extends QueueUrlInput {
  /** Deprecated by AWS in favour of MessageSystemAttributeNames; both are honoured. */
  AttributeNames?: string[];
  MessageSystemAttributeNames?: string[];
  MessageAttributeNames?: string[];
  MaxNumberOfMessages?: number;
  VisibilityTimeout?: number;
  WaitTimeSeconds?: number;
  ReceiveRequestAttemptId?: string;
}
export interface Message {
  MessageId: string;
  ReceiptHandle: string;
  MD5OfBody: string;
  Body: string;
  Attributes?: Record<string, string>;
  MD5OfMessageAttributes?: string;
  MessageAttributes?: MessageAttributeMap;
}
export interface ReceiveMessageOutput {
  Messages?: Message[];
}

export interface DeleteMessageInput extends QueueUrlInput {
  ReceiptHandle: string;
}
export interface DeleteMessageBatchInput extends QueueUrlInput {
  Entries: { Id: string; ReceiptHandle: string }[];
}
export interface BatchIdsOutput {
  Successful: { Id: string }[];
  Failed: BatchResultErrorEntry[];
}

export interface ChangeMessageVisibilityInput extends QueueUrlInput {
  ReceiptHandle: string;
  VisibilityTimeout: number;
}
export interface ChangeMessageVisibilityBatchInput extends QueueUrlInput {
  Entries: { Id: string; ReceiptHandle: string; VisibilityTimeout?: number }[];
}

export interface ListDeadLetterSourceQueuesInput extends QueueUrlInput {
  NextToken?: string;
  MaxResults?: number;
}
export interface ListDeadLetterSourceQueuesOutput {
  queueUrls: string[];
  NextToken?: string;
}

export interface StartMessageMoveTaskInput {
  SourceArn: string;
  DestinationArn?: string;
  MaxNumberOfMessagesPerSecond?: number;
}
export interface StartMessageMoveTaskOutput {
  TaskHandle: string;
}
export interface CancelMessageMoveTaskInput {
  TaskHandle: string;
}
export interface CancelMessageMoveTaskOutput {
  ApproximateNumberOfMessagesMoved: number;
}
export interface ListMessageMoveTasksInput {
  SourceArn: string;
  MaxResults?: number;
}
export interface MessageMoveTask {
  TaskHandle?: string;
  Status: 'RUNNING' | 'COMPLETED' | 'CANCELLING' | 'CANCELLED' | 'FAILED';
  SourceArn: string;
  DestinationArn?: string;
  MaxNumberOfMessagesPerSecond?: number;
  ApproximateNumberOfMessagesMoved: number;
  ApproximateNumberOfMessagesToMove?: number;
  FailureReason?: string;
  StartedTimestamp: number;
}
export interface ListMessageMoveTasksOutput {
  Results: MessageMoveTask[];
}
