import type * as T from '../sqs/types.ts';
import type { OperatorStore } from './operator.ts';
import type { ReceiveOptions } from './types.ts';

/**
 * The queue engine. Every SQS rule lives behind this interface: the server
 * translates wire requests into these calls, the in-process client calls it
 * directly. Invalid input is refused with an `SqsError` (src/sqs/errors.ts);
 * a returned promise means the change is committed to disk. Beyond the SQS
 * API, an operator's read model and actions (operator.ts).
 *
 * Queues are addressed by QueueUrl as in SQS; only the last path segment (the
 * queue name) is significant, so a client may reach the store under any host,
 * and a bare queue name is accepted too, as SQS accepts it.
 *
 * Each region is a namespace of its own, as in SQS: a store answers for one
 * region (its identity's, unless it came from `inRegion`), in whose namespace
 * names and URLs resolve, new queues are created and ARNs are made.
 *
 * @example
 * const store = openSqliteStore({ path: 'data/sluice.db' });
 * const { QueueUrl } = await store.createQueue({ QueueName: 'jobs' });
 * await store.sendMessage({ QueueUrl, MessageBody: 'hello' });
 * const { Messages } = await store.receiveMessage({ QueueUrl, WaitTimeSeconds: 20 });
 */
export interface Store extends OperatorStore {
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
  receiveMessage(input: T.ReceiveMessageInput, options?: ReceiveOptions): Promise<T.ReceiveMessageOutput>;
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

  /** The region this store answers for: its identity's, or the one `inRegion` was given. */
  readonly region: string;

  /**
   * The same store as a caller in `region` sees it: that region's queues. The
   * server answers each request from the region its signature names.
   * @example const eu = store.inRegion('eu-central-1');
   */
  inRegion(region: string): Store;

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
  /**
   * Base of queue URLs, e.g. `http://127.0.0.1:9324`; a URL is `${baseUrl}/${accountId}/${name}`,
   * the same in every region (the caller's region picks the queue).
   */
  baseUrl: string;
  /** The default region: the one unsigned requests and in-process callers see. */
  region: string;
  accountId: string;
  /**
   * The SenderId messages carry: on AWS the sending principal's id (an access
   * key id, or an IAM user id such as `AIDA…`), never the account number.
   */
  senderId: string;
}

export const DEFAULT_IDENTITY: StoreIdentity = {
  baseUrl: 'http://127.0.0.1:9324',
  region: 'us-east-1',
  accountId: '000000000000',
  // IAM-style: AIDA and 17 upper-case letters and digits, as AWS's user ids.
  senderId: 'AIDASLUICELOCALUSER01',
};
