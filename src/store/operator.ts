/**
 * What an operator needs of the store beyond the SQS API (the dashboard's
 * read model and its actions): every queue's counts, reading messages without
 * consuming them, dead letters grouped by the error a worker recorded, moving
 * or deleting every message that matches a filter, and an audit log.
 *
 * Queues are addressed by QueueUrl, as in the rest of the Store. Messages a
 * sluice worker sent to a dead-letter queue carry what went wrong in message
 * attributes (src/worker/dead-letter.ts): `sluice.error` and
 * `sluice.sourceQueue`; messages SQS's own redrive moved carry their source
 * as DeadLetterQueueSourceArn and no error.
 */
import type { QueueStats } from './types.ts';
import type { WaitPercentiles } from './wait-histogram.ts';

export type { WaitPercentiles };

/** Which messages: every field given must match (AND). */
export interface MessageFilter {
  /** Exactly this MessageId. */
  messageId?: string;
  /** The body contains this text (case-insensitive for ASCII letters). */
  body?: string;
  /** A message attribute by name; with `value`, its string value must equal it. */
  attribute?: { name: string; value?: string };
  minReceiveCount?: number;
  maxReceiveCount?: number;
  /** The error a worker recorded (`sluice.error`) equals this; `null`: messages with none. */
  error?: string | null;
  /** The queue the message failed in: `sluice.sourceQueue`, or DeadLetterQueueSourceArn's queue. */
  sourceQueue?: string;
}

export type MessageState = 'visible' | 'inFlight' | 'delayed';

/** One message as the browser shows it; reading it changes nothing. */
export interface BrowsedMessage {
  messageId: string;
  /** Epoch ms. */
  sentAt: number;
  receiveCount: number;
  /** Body size in bytes (UTF-8). */
  size: number;
  state: MessageState;
  /** Epoch ms at which the message is (or was) receivable. */
  visibleAt: number;
  /** Message attributes as text (binary values base64). */
  attributes: Record<string, string>;
  /** The body's first `previewChars` characters. */
  body: string;
  truncated: boolean;
  groupId?: string;
  /** See MessageFilter.sourceQueue. */
  sourceQueue?: string;
  /** See MessageFilter.error. */
  error?: string;
}

export interface BrowseInput {
  QueueUrl: string;
  filter?: MessageFilter;
  /** The `next` of the previous page. */
  after?: string;
  /** 1–100; default 50. */
  limit?: number;
  /** 1–1048576; default 200. */
  previewChars?: number;
}

export interface BrowseOutput {
  messages: BrowsedMessage[];
  /** Present when there may be more: pass it as `after`. */
  next?: string;
}

/** Dead letters that failed the same way in the same queue. */
export interface DeadLetterGroup {
  /** `sluice.error`, or null when no worker recorded one (SQS's redrive moved the message). */
  error: string | null;
  sourceQueue: string | null;
  count: number;
  /** Epoch ms of the oldest and newest send in the group. */
  firstSentAt: number;
  lastSentAt: number;
}

export interface MoveMessagesInput {
  /** The queue to move from. */
  QueueUrl: string;
  filter?: MessageFilter;
  /** Where to; unset: each message back to the queue it failed in (see MessageFilter.sourceQueue). */
  DestinationUrl?: string;
  /** 1–500, as StartMessageMoveTask; unset: as fast as the store can. */
  MaxNumberOfMessagesPerSecond?: number;
}

export interface MoveMessagesOutput {
  /** Follow it with listMessageMoveTasks (the source's ARN), stop it with cancelMessageMoveTask. */
  TaskHandle: string;
  /** The messages that matched when the task started. */
  toMove: number;
}

export interface AuditInput {
  /** Who: the access key id that signed in, or `local` on a loopback dashboard without --auth. */
  actor: string;
  /** What, e.g. `purge`, `send`, `redrive`, `delete-messages`, `cancel-redrive`. */
  action: string;
  queue?: string;
  /** How many messages it touched (as known when it was done). */
  count?: number;
  /** Anything else worth keeping: the filter, the destination, the task handle. */
  detail?: Record<string, unknown>;
}

export interface AuditEntry extends AuditInput {
  id: number;
  /** Epoch ms, on the store's clock. */
  at: number;
}

export interface AuditListInput {
  /** 1–500; default 100. */
  limit?: number;
  /** Entries with a smaller id only (the last id of the previous page). */
  before?: number;
}

/** How far back a history chart looks: 1 h in 1-minute buckets, 24 h in 15-minute ones, 7 d and 30 d in hours. */
export type HistoryRange = '1h' | '24h' | '7d' | '30d';

export interface HistoryInput {
  QueueUrl: string;
  range: HistoryRange;
}

/** One time bucket of a queue's history. */
export interface HistoryPoint {
  /** Epoch ms at which the bucket starts. */
  at: number;
  /** The largest count sampled in the bucket. */
  visible: number;
  inFlight: number;
  delayed: number;
  oldestAgeSeconds: number;
  /** Messages in the queue's DLQ; null when it has none. */
  dlqDepth: number | null;
  /** Messages sent, received (every receive, not only first ones) and deleted during the bucket. */
  sent: number;
  received: number;
  deleted: number;
  /** Send → first receive of the messages first received during the bucket; null if none were. */
  wait: WaitPercentiles | null;
}

export interface HistoryOutput {
  range: HistoryRange;
  bucketSeconds: number;
  /** Oldest first; buckets with no sample are absent. */
  points: HistoryPoint[];
}

/** A queue's recent traffic: from `since` until now (about the last five minutes). */
export interface QueueActivity {
  name: string;
  /** Epoch ms at which the counts begin. */
  since: number;
  sent: number;
  received: number;
  deleted: number;
  wait: WaitPercentiles | null;
}

export interface OperatorStore {
  /** Counts and oldest-message age for every queue (or those whose name starts with `prefix`). */
  stats(prefix?: string): Promise<QueueStats[]>;
  /**
   * Reads messages in send order without receiving them: no receive count,
   * visibility or first-receive time changes.
   *
   * @example
   * const { messages, next } = await store.browseMessages({ QueueUrl, filter: { body: 'ana' }, limit: 20 });
   */
  browseMessages(input: BrowseInput): Promise<BrowseOutput>;
  /** How many messages match (all of them without a filter). */
  countMessages(input: { QueueUrl: string; filter?: MessageFilter }): Promise<number>;
  /** The queue's messages grouped by recorded error and source queue, largest group first. */
  deadLetterGroups(input: { QueueUrl: string }): Promise<DeadLetterGroup[]>;
  /**
   * A message move task over the messages that match: the same task as
   * StartMessageMoveTask (rate, progress through listMessageMoveTasks, cancel),
   * narrowed by a filter, from any queue, and back to where each message failed.
   */
  moveMessages(input: MoveMessagesInput): Promise<MoveMessagesOutput>;
  /** Deletes every matching message (in flight ones too); resolves with how many. */
  deleteMessages(input: { QueueUrl: string; filter?: MessageFilter }): Promise<number>;
  /** Records an operator's action; the store stamps the time. */
  appendAudit(input: AuditInput): Promise<AuditEntry>;
  /** Newest first. */
  listAudit(input?: AuditListInput): Promise<AuditEntry[]>;
  /**
   * Samples every queue into its history (counts now, traffic since the last
   * sample); a server calls it every minute. Sends, receives, deletes and
   * waits are counted in memory between samples, not written per message.
   */
  recordHistory(): Promise<void>;
  /**
   * A queue's history over a range, kept across restarts.
   *
   * @example
   * const { points } = await store.history({ QueueUrl, range: '24h' });
   */
  history(input: HistoryInput): Promise<HistoryOutput>;
  /** Recent sends, receives, deletes and send → first-receive waits of every queue (or those starting with `prefix`). */
  activity(prefix?: string): Promise<QueueActivity[]>;
}
