/**
 * The 23 SQS actions: for each, its input and output shapes and the store
 * method that performs it. Both wire protocols look actions up here, so an
 * action answers the same over JSON and over query by construction.
 */

import type * as T from '../sqs/types.ts';
import type { Store } from '../store/store.ts';
import {
  batchError,
  int,
  list,
  long,
  message,
  moveTask,
  queueAttributes,
  type Structure,
  sendMembers,
  sendResultMembers,
  str,
  struct,
  tags,
} from './shapes.ts';

export interface CallContext {
  /** Ends a long poll: fires when the client has gone away or the server is shutting down. */
  readonly signal?: AbortSignal;
}

export interface ActionSpec {
  readonly name: string;
  readonly input: Structure;
  /** Absent for actions that answer with no members. */
  readonly output?: Structure;
  /** May wait for messages (ReceiveMessage): the server gives it a signal and guards its claims. */
  readonly longPoll?: boolean;
  /**
   * About no one queue (CreateQueue, ListQueues): SQS refuses it with InvalidAction when a query
   * request is posted to a queue's URL. (GetQueueUrl is answered there, as SQS does.)
   */
  readonly queueless?: boolean;
  /** Runs the action; `input` has been checked against `input` shape. */
  readonly call: (store: Store, input: never, ctx: CallContext) => Promise<unknown>;
}

// The store's inputs are checked against the shapes before `call` runs, so the casts below are sound.
const action = <I>(
  name: string,
  input: Structure,
  output: Structure | undefined,
  call: (store: Store, input: I, ctx: CallContext) => Promise<unknown>,
  kind?: 'longPoll' | 'queueless',
): ActionSpec => ({
  name,
  input,
  ...(output ? { output } : {}),
  ...(kind ? { [kind]: true } : {}),
  call: call as ActionSpec['call'],
});

const queueUrl = { 'QueueUrl!': str } as const;
const urlResult = struct({ QueueUrl: str });
const entries = (item: string, members: Parameters<typeof struct>[0]) => list(struct(members), item);
const idsResult = (item: string) =>
  struct({
    'Successful!': entries(item, { 'Id!': str }),
    'Failed?': list(batchError, 'BatchResultErrorEntry'),
  });

const specs: ActionSpec[] = [
  action<T.AddPermissionInput>(
    'AddPermission',
    struct({
      ...queueUrl,
      'Label!': str,
      'AWSAccountIds!': list(str, 'AWSAccountId'),
      'Actions!': list(str, 'ActionName'),
    }),
    undefined,
    (s, i) => s.addPermission(i),
  ),
  action<T.CancelMessageMoveTaskInput>(
    'CancelMessageMoveTask',
    struct({ 'TaskHandle!': str }),
    struct({ ApproximateNumberOfMessagesMoved: long }),
    (s, i) => s.cancelMessageMoveTask(i),
  ),
  action<T.ChangeMessageVisibilityInput>(
    'ChangeMessageVisibility',
    struct({ ...queueUrl, 'ReceiptHandle!': str, 'VisibilityTimeout!': int }),
    undefined,
    (s, i) => s.changeMessageVisibility(i),
  ),
  action<T.ChangeMessageVisibilityBatchInput>(
    'ChangeMessageVisibilityBatch',
    struct({
      ...queueUrl,
      'Entries!': entries('ChangeMessageVisibilityBatchRequestEntry', {
        'Id!': str,
        'ReceiptHandle!': str,
        VisibilityTimeout: int,
      }),
    }),
    idsResult('ChangeMessageVisibilityBatchResultEntry'),
    (s, i) => s.changeMessageVisibilityBatch(i),
  ),
  action<T.CreateQueueInput>(
    'CreateQueue',
    struct({ 'QueueName!': str, Attributes: queueAttributes, tags }),
    urlResult,
    (s, i) => s.createQueue(i),
    'queueless',
  ),
  action<T.DeleteMessageInput>(
    'DeleteMessage',
    struct({ ...queueUrl, 'ReceiptHandle!': str }),
    undefined,
    (s, i) => s.deleteMessage(i),
  ),
  action<T.DeleteMessageBatchInput>(
    'DeleteMessageBatch',
    struct({
      ...queueUrl,
      'Entries!': entries('DeleteMessageBatchRequestEntry', { 'Id!': str, 'ReceiptHandle!': str }),
    }),
    idsResult('DeleteMessageBatchResultEntry'),
    (s, i) => s.deleteMessageBatch(i),
  ),
  action<T.QueueUrlInput>('DeleteQueue', struct(queueUrl), undefined, (s, i) => s.deleteQueue(i)),
  action<T.GetQueueAttributesInput>(
    'GetQueueAttributes',
    struct({ ...queueUrl, AttributeNames: list(str, 'AttributeName') }),
    struct({ Attributes: queueAttributes }),
    (s, i) => s.getQueueAttributes(i),
  ),
  action<T.GetQueueUrlInput>(
    'GetQueueUrl',
    struct({ 'QueueName!': str, QueueOwnerAWSAccountId: str }),
    urlResult,
    (s, i) => s.getQueueUrl(i),
  ),
  action<T.ListDeadLetterSourceQueuesInput>(
    'ListDeadLetterSourceQueues',
    struct({ ...queueUrl, NextToken: str, MaxResults: int }),
    struct({ 'queueUrls!': list(str, 'QueueUrl'), NextToken: str }),
    (s, i) => s.listDeadLetterSourceQueues(i),
  ),
  action<T.ListMessageMoveTasksInput>(
    'ListMessageMoveTasks',
    struct({ 'SourceArn!': str, MaxResults: int }),
    struct({ Results: list(moveTask, 'ListMessageMoveTasksResultEntry') }),
    (s, i) => s.listMessageMoveTasks(i),
  ),
  action<T.QueueUrlInput>('ListQueueTags', struct(queueUrl), struct({ Tags: tags }), (s, i) =>
    s.listQueueTags(i),
  ),
  action<T.ListQueuesInput>(
    'ListQueues',
    struct({ QueueNamePrefix: str, NextToken: str, MaxResults: int }),
    struct({ QueueUrls: list(str, 'QueueUrl'), NextToken: str }),
    (s, i) => s.listQueues(i),
    'queueless',
  ),
  action<T.QueueUrlInput>('PurgeQueue', struct(queueUrl), undefined, (s, i) => s.purgeQueue(i)),
  action<T.ReceiveMessageInput>(
    'ReceiveMessage',
    struct({
      ...queueUrl,
      AttributeNames: list(str, 'AttributeName'),
      MessageSystemAttributeNames: list(str, 'MessageSystemAttributeName'),
      MessageAttributeNames: list(str, 'MessageAttributeName'),
      MaxNumberOfMessages: int,
      VisibilityTimeout: int,
      WaitTimeSeconds: int,
      ReceiveRequestAttemptId: str,
    }),
    struct({ Messages: list(message, 'Message') }),
    (s, i, ctx) => s.receiveMessage(i, ctx.signal ? { signal: ctx.signal } : {}),
    'longPoll',
  ),
  action<T.RemovePermissionInput>(
    'RemovePermission',
    struct({ ...queueUrl, 'Label!': str }),
    undefined,
    (s, i) => s.removePermission(i),
  ),
  action<T.SendMessageInput>(
    'SendMessage',
    struct({ ...queueUrl, ...sendMembers }),
    struct(sendResultMembers),
    (s, i) => s.sendMessage(i),
  ),
  action<T.SendMessageBatchInput>(
    'SendMessageBatch',
    struct({
      ...queueUrl,
      'Entries!': entries('SendMessageBatchRequestEntry', { 'Id!': str, ...sendMembers }),
    }),
    struct({
      'Successful!': entries('SendMessageBatchResultEntry', { 'Id!': str, ...sendResultMembers }),
      'Failed?': list(batchError, 'BatchResultErrorEntry'),
    }),
    (s, i) => s.sendMessageBatch(i),
  ),
  action<T.SetQueueAttributesInput>(
    'SetQueueAttributes',
    struct({ ...queueUrl, 'Attributes!': queueAttributes }),
    undefined,
    (s, i) => s.setQueueAttributes(i),
  ),
  action<T.StartMessageMoveTaskInput>(
    'StartMessageMoveTask',
    struct({ 'SourceArn!': str, DestinationArn: str, MaxNumberOfMessagesPerSecond: int }),
    struct({ TaskHandle: str }),
    (s, i) => s.startMessageMoveTask(i),
  ),
  action<T.TagQueueInput>('TagQueue', struct({ ...queueUrl, 'Tags!': tags }), undefined, (s, i) =>
    s.tagQueue(i),
  ),
  action<T.UntagQueueInput>(
    'UntagQueue',
    struct({ ...queueUrl, 'TagKeys!': list(str, 'TagKey') }),
    undefined,
    (s, i) => s.untagQueue(i),
  ),
];

/** Every action by name. A Map, so that a request naming `__proto__` or `toString` finds nothing. */
export const ACTIONS: ReadonlyMap<string, ActionSpec> = new Map(specs.map((a) => [a.name, a]));
