/** What SendMessage and a SendMessageBatch entry carry, and how big SQS counts it. */

import { attributesSize } from './message-attributes.ts';
import type { MessageAttributeMap } from './types.ts';

export interface MessageEntry {
  MessageBody?: string;
  DelaySeconds?: number;
  MessageAttributes?: MessageAttributeMap;
  MessageSystemAttributes?: MessageAttributeMap;
  MessageGroupId?: string;
  MessageDeduplicationId?: string;
}

/**
 * A message's size as SQS counts it against MaximumMessageSize: UTF-8 body
 * bytes plus, per message attribute, name + DataType + value bytes.
 * @example messageSize({ MessageBody: 'ab', MessageAttributes: { k: { DataType: 'String', StringValue: 'x' } } }); // 10
 */
export function messageSize(entry: MessageEntry): number {
  const body = typeof entry.MessageBody === 'string' ? Buffer.byteLength(entry.MessageBody, 'utf8') : 0;
  return body + attributesSize(entry.MessageAttributes);
}
