/**
 * What a handler receives: one SQS message in camelCase, with its body
 * decoded (JSON-parsed and validated) when the worker has a schema.
 */
import type { Message, MessageAttributeMap } from '../sqs/types.ts';
import { coerceError, type Outcome } from './boundary.ts';
import { SchemaError } from './errors.ts';
import type { StandardSchemaV1 } from './standard-schema.ts';

export interface WorkerMessage<Body = string> {
  readonly messageId: string;
  /** The body validated by the worker's schema, or the raw string when it has none. */
  readonly body: Body;
  readonly rawBody: string;
  readonly receiptHandle: string;
  /** The queue's name and URL. */
  readonly queue: string;
  readonly queueUrl: string;
  /** ApproximateReceiveCount: 1 on the first delivery. */
  readonly receiveCount: number;
  /** FIFO queues only. */
  readonly groupId: string | undefined;
  /** SentTimestamp, epoch ms. */
  readonly sentAt: number | undefined;
  /** System attributes (`SentTimestamp`, `ApproximateReceiveCount`, …), as SQS returns them. */
  readonly attributes: Readonly<Record<string, string>>;
  readonly messageAttributes: Readonly<MessageAttributeMap>;
}

export interface QueueRef {
  readonly url: string;
  readonly name: string;
  readonly fifo: boolean;
}

const NO_ATTRIBUTES: Readonly<Record<string, string>> = Object.freeze({});

const numberOf = (raw: string | undefined): number | undefined => {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  return Number.isFinite(n) ? n : undefined;
};

/** The handler's view of a received message, its body not yet decoded. */
export function toWorkerMessage(queue: QueueRef, message: Message): WorkerMessage<string> {
  const attributes = message.Attributes ?? NO_ATTRIBUTES;
  return {
    messageId: message.MessageId,
    body: message.Body,
    rawBody: message.Body,
    receiptHandle: message.ReceiptHandle,
    queue: queue.name,
    queueUrl: queue.url,
    receiveCount: numberOf(attributes.ApproximateReceiveCount) ?? 1,
    groupId: attributes.MessageGroupId,
    sentAt: numberOf(attributes.SentTimestamp),
    attributes,
    messageAttributes: message.MessageAttributes ?? {},
  };
}

const describeIssue = (issue: StandardSchemaV1.Issue): string => {
  const path = (issue.path ?? [])
    .map((segment) => String(typeof segment === 'object' ? segment.key : segment))
    .join('.');
  return path ? `${path}: ${issue.message}` : issue.message;
};

/**
 * The body for the handler: the raw string without a schema; with one, the
 * JSON-parsed body validated by it. A body that is not JSON or fails the
 * schema (or a schema that throws) is a SchemaError.
 */
export async function decodeBody(
  schema: StandardSchemaV1 | undefined,
  message: WorkerMessage<string>,
): Promise<Outcome<WorkerMessage<unknown>>> {
  if (!schema) return { ok: true, value: message };
  let parsed: unknown;
  try {
    parsed = JSON.parse(message.rawBody);
  } catch (err) {
    return { ok: false, error: new SchemaError(`body is not JSON: ${coerceError(err).message}`) };
  }
  let result: StandardSchemaV1.Result<unknown>;
  try {
    result = await schema['~standard'].validate(parsed);
  } catch (err) {
    return { ok: false, error: new SchemaError(`schema threw: ${coerceError(err).message}`) };
  }
  if (result.issues) {
    return {
      ok: false,
      error: new SchemaError(`body fails the schema: ${result.issues.map(describeIssue).join('; ')}`),
    };
  }
  return { ok: true, value: { ...message, body: result.value } };
}
