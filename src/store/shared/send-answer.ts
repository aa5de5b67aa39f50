import { randomUUID } from 'node:crypto';
import { md5OfBody, md5OfMessageAttributes } from '../../sqs/md5.ts';
import type * as T from '../../sqs/types.ts';

/**
 * What a send answers before anything is stored: a new MessageId and the
 * MD5s of body, attributes and system attributes (both stores store these).
 * Empty attribute maps count as none.
 */
export function sendAnswer(entry: Omit<T.SendMessageInput, 'QueueUrl'>): {
  result: T.SendMessageOutput;
  attrs: T.MessageAttributeMap | undefined;
  sys: T.MessageAttributeMap | undefined;
} {
  const attrs =
    entry.MessageAttributes && Object.keys(entry.MessageAttributes).length
      ? entry.MessageAttributes
      : undefined;
  const sys =
    entry.MessageSystemAttributes && Object.keys(entry.MessageSystemAttributes).length
      ? entry.MessageSystemAttributes
      : undefined;
  const result: T.SendMessageOutput = {
    MessageId: randomUUID(),
    MD5OfMessageBody: md5OfBody(entry.MessageBody),
  };
  if (attrs) result.MD5OfMessageAttributes = md5OfMessageAttributes(attrs);
  if (sys) result.MD5OfMessageSystemAttributes = md5OfMessageAttributes(sys);
  return { result, attrs, sys };
}
