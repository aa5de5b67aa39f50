/**
 * `sluice send <queue> <body|@file>`: one message, to a queue by name or URL.
 *
 *   sluice send jobs '{"id":1}' [--group ID] [--dedup ID] [--delay S]
 *                               [--attr key=value …]
 *
 * `@path` reads the body from a file (`@-` from stdin). An attribute is a
 * String unless written `key:Number=42` (or `key:String=…`).
 */
import { readFileSync } from 'node:fs';
import { defineCommand } from 'citty';
import type { MessageAttributeMap, SendMessageInput } from '../store/types.ts';
import { connectionArgs, withClient } from './common/connection.ts';
import { intOption, repeated, stringOption } from './common/options.ts';
import { print, table } from './common/output.ts';
import { about, resolveQueue } from './common/queue.ts';

/** `key=value` / `key:Type=value` → message attributes; throws naming the bad one. */
export function parseAttributes(specs: readonly string[]): MessageAttributeMap {
  const attributes: MessageAttributeMap = {};
  for (const spec of specs) {
    const match = /^([^=:]+)(?::(String|Number)(?:\.[^=]+)?)?=(.*)$/s.exec(spec);
    if (!match) throw new Error(`--attr must be key=value or key:Number=value, got "${spec}"`);
    const [, key, type = 'String', value = ''] = match;
    if (type === 'Number' && !Number.isFinite(Number(value)))
      throw new Error(`--attr ${key} is a Number, got "${value}"`);
    attributes[key!] = { DataType: type, StringValue: value };
  }
  return attributes;
}

function bodyOf(text: string): string {
  if (!text.startsWith('@')) return text;
  const path = text.slice(1);
  try {
    return readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch (e) {
    throw new Error(`${text}: cannot read the body (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
}

export default defineCommand({
  meta: { name: 'send', description: 'Send one message to a queue' },
  args: {
    ...connectionArgs,
    queue: { type: 'positional', required: true, description: 'Queue name or URL' },
    body: { type: 'positional', required: true, description: 'Message body, or @file to read it (@- stdin)' },
    group: { type: 'string', description: 'MessageGroupId (FIFO queues)' },
    dedup: { type: 'string', description: 'MessageDeduplicationId (FIFO queues)' },
    delay: { type: 'string', description: 'DelaySeconds (0–900)' },
    attr: { type: 'string', description: 'Message attribute key=value or key:Number=value (repeatable)' },
  },
  run: ({ args, rawArgs }) =>
    withClient(
      args,
      async (client, c) => {
        const MessageBody = bodyOf(String(args.body));
        const attributes = parseAttributes(repeated(rawArgs, 'attr'));
        const delay = intOption(args, 'delay', 0, 900);
        const group = stringOption(args, 'group');
        const dedup = stringOption(args, 'dedup');
        const queue = await resolveQueue(client, String(args.queue));
        const input: SendMessageInput = { QueueUrl: queue.url, MessageBody };
        if (Object.keys(attributes).length) input.MessageAttributes = attributes;
        if (delay !== undefined) input.DelaySeconds = delay;
        if (group !== undefined) input.MessageGroupId = group;
        if (dedup !== undefined) input.MessageDeduplicationId = dedup;
        const sent = await about(queue.name, client.sendMessage(input));
        const result = {
          queue: queue.name,
          messageId: sent.MessageId,
          md5OfBody: sent.MD5OfMessageBody,
          ...(sent.SequenceNumber ? { sequenceNumber: sent.SequenceNumber } : {}),
        };
        print(c.json, result, () =>
          table(['QUEUE', 'MESSAGE ID', 'SEQUENCE'], [[queue.name, sent.MessageId, sent.SequenceNumber]]),
        );
      },
      { announce: 'always' },
    ),
});
