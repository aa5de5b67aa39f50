/**
 * Sends a message straight to its queue's dead-letter queue (for a
 * PermanentError, a body that fails the schema, or a failure on the last
 * receive the RedrivePolicy allows): the DLQ is the
 * RedrivePolicy's deadLetterTargetArn, looked up with GetQueueAttributes and
 * cached for `cacheMs`. The copy keeps the body, the message attributes and
 * the AWSTraceHeader, and records why in `sluice.*` message attributes — as
 * many as fit in SQS's limit of 10, `sluice.error` first.
 */
import type { Logger } from 'pino';
import type { QueueClient } from '../client/queue-client.ts';
import { MAX_MESSAGE_ATTRIBUTES } from '../sqs/limits.ts';
import { isValidText } from '../sqs/message-attributes.ts';
import { parseQueueArn } from '../sqs/names.ts';
import { parseRedrivePolicy } from '../sqs/redrive.ts';
import type { MessageAttributeMap, SendMessageInput } from '../sqs/types.ts';
import type { Clock } from '../time/clock.ts';
import { coerceError, type Outcome } from './boundary.ts';
import type { QueueRef, WorkerMessage } from './message.ts';

export interface DeadLetterTarget {
  url: string;
  name: string;
  fifo: boolean;
  /** The RedrivePolicy's maxReceiveCount: SQS moves the message after this many receives. */
  maxReceiveCount: number;
}

/** How much of an error message is recorded (SQS counts attributes against the message size). */
const MAX_ERROR_CHARS = 1024;
const text = (s: string, max = MAX_ERROR_CHARS) => {
  // SQS refuses some characters (controls, lone surrogates): replace them rather than lose the record.
  const clean = isValidText(s) ? s : Array.from(s, (ch) => (isValidText(ch) ? ch : '?')).join('');
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
};
const str = (StringValue: string) => ({ DataType: 'String', StringValue });
const num = (n: number) => ({ DataType: 'Number', StringValue: String(n) });

export interface DeadLettersOptions {
  client: QueueClient;
  clock: Clock;
  log: Logger;
  /** How long a queue's RedrivePolicy lookup is reused; default 60 s. */
  cacheMs?: number;
}

export class DeadLetters {
  readonly #o: DeadLettersOptions;
  readonly #cache = new Map<string, { at: number; target: Promise<DeadLetterTarget | undefined> }>();

  constructor(options: DeadLettersOptions) {
    this.#o = options;
  }

  /** The queue's dead-letter queue, or undefined when it has no RedrivePolicy. Rejects if the lookup fails. */
  target(queue: QueueRef): Promise<DeadLetterTarget | undefined> {
    const now = this.#o.clock.now();
    const cached = this.#cache.get(queue.url);
    if (cached && now - cached.at < (this.#o.cacheMs ?? 60_000)) return cached.target;
    const target = this.#lookup(queue);
    this.#cache.set(queue.url, { at: now, target });
    target.catch(() => this.#cache.delete(queue.url));
    return target;
  }

  /** Sends a copy of `message` to the DLQ; the caller deletes the original when this succeeds. */
  async send(
    queue: QueueRef,
    message: WorkerMessage<unknown>,
    error: Error,
  ): Promise<Outcome<DeadLetterTarget>> {
    try {
      const target = await this.target(queue);
      if (!target)
        return {
          ok: false,
          error: new Error(`queue ${queue.name} has no RedrivePolicy (no dead-letter queue)`),
        };
      const { attributes, dropped } = this.#attributes(queue, message, error);
      if (dropped.length) {
        this.#o.log.warn(
          { messageId: message.messageId, dropped },
          `the message already has ${MAX_MESSAGE_ATTRIBUTES} attributes; not recorded: ${dropped.join(', ')}`,
        );
      }
      const input: SendMessageInput = { QueueUrl: target.url, MessageBody: message.rawBody };
      if (Object.keys(attributes).length) input.MessageAttributes = attributes;
      const trace = message.attributes.AWSTraceHeader;
      if (trace) input.MessageSystemAttributes = { AWSTraceHeader: str(trace) };
      if (target.fifo) {
        input.MessageGroupId = message.groupId ?? queue.name;
        input.MessageDeduplicationId = message.messageId;
      }
      await this.#o.client.sendMessage(input);
      return { ok: true, value: target };
    } catch (thrown) {
      return { ok: false, error: coerceError(thrown) };
    }
  }

  #attributes(queue: QueueRef, message: WorkerMessage<unknown>, error: Error) {
    const attributes: MessageAttributeMap = { ...message.messageAttributes };
    const record: [string, { DataType: string; StringValue: string }][] = [
      ['sluice.error', str(text(`${error.name}: ${error.message}`))],
      ['sluice.sourceQueue', str(text(queue.name))],
      ['sluice.messageId', str(message.messageId)],
      ['sluice.receiveCount', num(message.receiveCount)],
    ];
    const dropped: string[] = [];
    for (const [name, value] of record) {
      if (name in attributes || Object.keys(attributes).length < MAX_MESSAGE_ATTRIBUTES)
        attributes[name] = value;
      else dropped.push(name);
    }
    return { attributes, dropped };
  }

  async #lookup(queue: QueueRef): Promise<DeadLetterTarget | undefined> {
    const { Attributes } = await this.#o.client.getQueueAttributes({
      QueueUrl: queue.url,
      AttributeNames: ['RedrivePolicy'],
    });
    const policy = Attributes?.RedrivePolicy;
    if (!policy) return undefined;
    const redrive = parseRedrivePolicy(policy);
    const arn = parseQueueArn(redrive.deadLetterTargetArn);
    if (!arn) return undefined;
    const { QueueUrl } = await this.#o.client.getQueueUrl({
      QueueName: arn.name,
      QueueOwnerAWSAccountId: arn.accountId,
    });
    return {
      url: QueueUrl,
      name: arn.name,
      fifo: arn.name.endsWith('.fifo'),
      maxReceiveCount: redrive.maxReceiveCount,
    };
  }
}
