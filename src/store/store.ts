import type * as T from './types.ts';

/**
 * The queue engine. Every SQS rule lives behind this interface: the server
 * translates wire requests into these calls, the in-process client calls it
 * directly. Invalid input is refused with an `SqsError` (src/sqs/errors.ts);
 * a returned promise means the change is committed to disk.
 *
 * Queues are addressed by QueueUrl as in SQS; only the last path segment (the
 * queue name) is significant, so a client may reach the store under any host.
 *
 * @example
 * const store = openSqliteStore({ path: 'data/sluice.db' });
 * const { QueueUrl } = await store.createQueue({ QueueName: 'jobs' });
 * await store.sendMessage({ QueueUrl, MessageBody: 'hello' });
 * const { Messages } = await store.receiveMessage({ QueueUrl, WaitTimeSeconds: 20 });
 */
export interface Store {
  createQueue(input: T.CreateQueueInput): Promise<T.CreateQueueOutput>;
  deleteQueue(input: T.QueueUrlInput): Promise<void>;
  getQueueUrl(input: T.GetQueueUrlInput): Promise<T.CreateQueueOutput>;
  listQueues(input?: T.ListQueuesInput): Promise<T.ListQueuesOutput>;
  getQueueAttributes(input: T.GetQueueAttributesInput): Promise<T.GetQueueAttributesOutput>;
  setQueueAttributes(input: T.SetQueueAttributesInput): Promise<void>;
  tagQueue(input: T.TagQueueInput): Promise<void>;
  untagQueue(input: T.UntagQueueInput): Promise<void>;
  listQueueTags(input: T.QueueUrlInput): Promise<T.ListQueueTagsOutput>;
  purgeQueue(input: T.QueueUrlInput): Promise<void>;
  addPermission(input: T.AddPermissionInput): Promise<void>;
  removePermission(input: T.RemovePermissionInput): Promise<void>;

  sendMessage(input: T.SendMessageInput): Promise<T.SendMessageOutput>;
  sendMessageBatch(input: T.SendMessageBatchInput): Promise<T.SendMessageBatchOutput>;
  receiveMessage(input: T.ReceiveMessageInput, options?: T.ReceiveOptions): Promise<T.ReceiveMessageOutput>;
  deleteMessage(input: T.DeleteMessageInput): Promise<void>;
  deleteMessageBatch(input: T.DeleteMessageBatchInput): Promise<T.BatchIdsOutput>;
  changeMessageVisibility(input: T.ChangeMessageVisibilityInput): Promise<void>;
  changeMessageVisibilityBatch(input: T.ChangeMessageVisibilityBatchInput): Promise<T.BatchIdsOutput>;

  listDeadLetterSourceQueues(
    input: T.ListDeadLetterSourceQueuesInput,
  ): Promise<T.ListDeadLetterSourceQueuesOutput>;
  startMessageMoveTask(input: T.StartMessageMoveTaskInput): Promise<T.StartMessageMoveTaskOutput>;
  cancelMessageMoveTask(input: T.CancelMessageMoveTaskInput): Promise<T.CancelMessageMoveTaskOutput>;
  listMessageMoveTasks(input: T.ListMessageMoveTasksInput): Promise<T.ListMessageMoveTasksOutput>;

  /** Counts and oldest-message age for every queue (or those whose name starts with `prefix`). */
  stats(prefix?: string): Promise<T.QueueStats[]>;
  /**
   * How hard a commit is pushed to disk, as the database itself reports it
   * (`FULL`: survives power loss; `NORMAL`: survives the process being killed);
   * undefined for a store kept in memory, or once closed.
   */
  synchronous?(): 'OFF' | 'NORMAL' | 'FULL' | 'EXTRA' | undefined;
  /** Finishes pending commits, ends open long polls with no messages, and closes the database. */
  close(): Promise<void>;
}

/** The store's place in the world: how it names its queues in URLs and ARNs. */
export interface StoreIdentity {
  /** Base of queue URLs, e.g. `http://127.0.0.1:9324`; a URL is `${baseUrl}/${accountId}/${name}`. */
  baseUrl: string;
  region: string;
  accountId: string;
}

export const DEFAULT_IDENTITY: StoreIdentity = {
  baseUrl: 'http://127.0.0.1:9324',
  region: 'us-east-1',
  accountId: '000000000000',
};
