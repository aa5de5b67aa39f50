import {
  messageAttributeSelector,
  requestedSystemAttributeNames,
  SYSTEM_ATTRIBUTE_NAMES,
  systemAttributeSelector,
} from '../../sqs/attribute-names.ts';
import { md5OfMessageAttributes } from '../../sqs/md5.ts';
import type { QueueSettings } from '../../sqs/queue-attributes.ts';
import type * as T from '../../sqs/types.ts';
import type { StoreIdentity } from '../store.ts';
import { decodeAttributes } from './message-codec.ts';
import { encodeReceipt } from './receipt.ts';

/** What a message's answer needs of the store: who sent it (SenderId). */
interface StoreContext {
  identity: Pick<StoreIdentity, 'senderId'>;
}

/** What a message's answer needs of its queue: the id its handles carry, and whether it is FIFO. */
interface QueueRecord {
  id: number;
  settings: Pick<QueueSettings, 'fifo'>;
}

/** The columns every receive reads. */
export interface BaseRow {
  id: number;
  receive_count: number;
  sent_at: number;
  message_id: string;
  body: string;
  md5_body: string;
  attributes: string | null;
  md5_attributes: string | null;
}

/** The columns only system attributes need; read only when some are asked for. */
export interface SystemRow {
  first_receive_at: number | null;
  system_attributes: string | null;
  group_id: string | null;
  dedup_id: string | null;
  sequence_number: string | null;
  dlq_source_arn: string | null;
}

export type MessageRow = BaseRow & Partial<SystemRow>;

const BASE = 'id, receive_count, sent_at, message_id, body, md5_body, attributes, md5_attributes';
const SYSTEM = 'first_receive_at, system_attributes, group_id, dedup_id, sequence_number, dlq_source_arn';
const ALL = `${BASE}, ${SYSTEM}`;

type SystemName = (typeof SYSTEM_ATTRIBUTE_NAMES)[number];

/**
 * What one ReceiveMessage asks to see of each message, worked out once per
 * call: the columns to read, the system attributes, the message attributes.
 * Reading fewer columns is most of the cost of a receive, so a call that asks
 * for no system attribute reads none of their columns.
 */
export class Projection {
  readonly columns: string;
  readonly #system: SystemName[];
  readonly #wantAttribute: (name: string) => boolean;
  readonly #anyAttribute: boolean;

  constructor(input: T.ReceiveMessageInput) {
    const wantSystem = systemAttributeSelector(requestedSystemAttributeNames(input));
    this.#system = SYSTEM_ATTRIBUTE_NAMES.filter((n) => n !== 'All' && wantSystem(n));
    this.columns = this.#system.length ? ALL : BASE;
    this.#wantAttribute = messageAttributeSelector(input.MessageAttributeNames);
    this.#anyAttribute = (input.MessageAttributeNames ?? []).length > 0;
  }

  /**
   * Rows read in raw mode (arrays, in `columns` order) as objects: cheaper
   * than letting the driver name every column of every row.
   */
  rows(raw: unknown[][]): MessageRow[] {
    const full = this.#system.length > 0;
    return raw.map((r) => {
      const row: MessageRow = {
        id: r[0] as number,
        receive_count: r[1] as number,
        sent_at: r[2] as number,
        message_id: r[3] as string,
        body: r[4] as string,
        md5_body: r[5] as string,
        attributes: r[6] as string | null,
        md5_attributes: r[7] as string | null,
      };
      if (full) {
        row.first_receive_at = r[8] as number | null;
        row.system_attributes = r[9] as string | null;
        row.group_id = r[10] as string | null;
        row.dedup_id = r[11] as string | null;
        row.sequence_number = r[12] as string | null;
        row.dlq_source_arn = r[13] as string | null;
      }
      return row;
    });
  }

  /** The message as ReceiveMessage answers it; `row` already counts this receive. */
  toMessage(ctx: StoreContext, queue: QueueRecord, row: MessageRow): T.Message {
    const message: T.Message = {
      MessageId: row.message_id,
      ReceiptHandle: encodeReceipt({
        queueId: queue.id,
        rowId: row.id,
        receive: row.receive_count,
        messageId: row.message_id,
      }),
      MD5OfBody: row.md5_body,
      Body: row.body,
    };
    if (this.#system.length) {
      const attributes: Record<string, string> = {};
      for (const name of this.#system) {
        const value = systemValue(ctx, queue, row, name);
        if (value != null) attributes[name] = value;
      }
      if (Object.keys(attributes).length) message.Attributes = attributes;
    }
    if (this.#anyAttribute && row.attributes !== null) this.#addAttributes(message, row);
    return message;
  }

  #addAttributes(message: T.Message, row: MessageRow): void {
    const all = decodeAttributes(row.attributes) ?? {};
    const names = Object.keys(all).filter(this.#wantAttribute);
    if (names.length === 0) return;
    const chosen = Object.fromEntries(names.map((n) => [n, all[n]!]));
    message.MessageAttributes = chosen;
    // The MD5 covers what is returned: the stored one when all attributes are.
    message.MD5OfMessageAttributes =
      names.length === Object.keys(all).length && row.md5_attributes
        ? row.md5_attributes
        : md5OfMessageAttributes(chosen);
  }
}

function systemValue(ctx: StoreContext, queue: QueueRecord, row: MessageRow, name: SystemName) {
  switch (name) {
    case 'SenderId':
      return ctx.identity.senderId;
    case 'SentTimestamp':
      return String(row.sent_at);
    case 'ApproximateReceiveCount':
      return String(row.receive_count);
    case 'ApproximateFirstReceiveTimestamp':
      return row.first_receive_at == null ? null : String(row.first_receive_at);
    case 'MessageGroupId':
      return row.group_id;
    case 'MessageDeduplicationId':
      return queue.settings.fifo ? row.dedup_id : null;
    case 'SequenceNumber':
      return row.sequence_number;
    case 'DeadLetterQueueSourceArn':
      return row.dlq_source_arn;
    case 'AWSTraceHeader':
      return decodeAttributes(row.system_attributes ?? null)?.AWSTraceHeader?.StringValue;
    default:
      return null;
  }
}
