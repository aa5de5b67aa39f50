/**
 * Sending many messages (`sluice send --file`, stdin, `--count`): taken from
 * an async source as they come (a pipe may never end), packed into
 * SendMessageBatch requests of up to 10 entries and 1 MiB, several requests in
 * flight at once.
 *
 * Nothing is dropped silently: an entry SQS refuses is a `Failure` with its
 * position (line or index) and SQS's reason. When SQS refuses a whole batch
 * for what one entry holds (invalid characters, too long), its entries are
 * sent one by one, so that only the bad ones fail. Any other error (the
 * network, credentials, the queue gone) stops the sending; it is returned
 * as `stopped` once the requests in flight have settled.
 */
import type { QueueClient } from '../../client/queue-client.ts';
import { type ErrorName, isSqsError } from '../../sqs/errors.ts';
import { MAX_BATCH_BYTES, MAX_BATCH_ENTRIES } from '../../sqs/limits.ts';
import type { SendMessageBatchEntry } from '../../sqs/types.ts';

/** One message to send; `n` is where it came from (a line number, an index). */
export interface Outgoing {
  n: number;
  entry: Omit<SendMessageBatchEntry, 'Id'>;
}

export interface Failure {
  n: number;
  code: string;
  reason: string;
}

export interface SendManyResult {
  sent: number;
  failures: Failure[];
  /** Set when an error other than an entry's stopped the sending (the rest was not tried). */
  stopped?: unknown;
}

/** Errors a batch gets because of what an entry holds: each entry is then tried alone. */
const ENTRY_ERRORS = new Set<ErrorName>([
  'InvalidMessageContents',
  'InvalidParameterValue',
  'InvalidAttributeName',
  'InvalidAttributeValue',
  'MissingParameter',
  'BatchRequestTooLong',
  'RequestEntityTooLarge',
]);

/** A message's size as SQS counts it: the body plus each attribute's name, type and value. */
const sizeOf = ({ MessageBody, MessageAttributes = {} }: Outgoing['entry']) =>
  Object.entries(MessageAttributes).reduce(
    (sum, [name, v]) =>
      sum +
      Buffer.byteLength(name) +
      Buffer.byteLength(v.DataType) +
      Buffer.byteLength(v.StringValue ?? '') +
      (v.BinaryValue?.byteLength ?? 0),
    Buffer.byteLength(MessageBody),
  );

export async function sendMany(
  client: QueueClient,
  queueUrl: string,
  source: AsyncIterable<Outgoing>,
  options: { inFlight: number; onProgress?: (done: number) => void },
): Promise<SendManyResult> {
  let sent = 0;
  const failures: Failure[] = [];
  let fatal: { error: unknown } | undefined;
  const running = new Set<Promise<void>>();

  const fail = (n: number, e: unknown) => {
    if (isSqsError(e) && ENTRY_ERRORS.has(e.errorName)) failures.push({ n, code: e.code, reason: e.message });
    else throw e;
  };
  const sendBatch = async (batch: Outgoing[]) => {
    try {
      const { Successful, Failed } = await client.sendMessageBatch({
        QueueUrl: queueUrl,
        Entries: batch.map((o, i) => ({ Id: String(i), ...o.entry })),
      });
      sent += Successful.length;
      for (const f of Failed)
        failures.push({ n: batch[Number(f.Id)]?.n ?? -1, code: f.Code, reason: f.Message ?? f.Code });
    } catch (e) {
      if (batch.length === 1) return fail(batch[0]!.n, e);
      if (!isSqsError(e) || !ENTRY_ERRORS.has(e.errorName)) throw e;
      for (const o of batch) {
        try {
          await client.sendMessage({ QueueUrl: queueUrl, ...o.entry });
          sent++;
        } catch (e) {
          fail(o.n, e);
        }
      }
    }
  };
  const dispatch = (batch: Outgoing[]) => {
    const request: Promise<void> = sendBatch(batch)
      .catch((error: unknown) => {
        fatal ??= { error };
      })
      .finally(() => {
        running.delete(request);
        options.onProgress?.(sent + failures.length);
      });
    running.add(request);
  };

  let batch: Outgoing[] = [];
  let bytes = 0;
  for await (const o of source) {
    if (fatal) break;
    const size = sizeOf(o.entry);
    if (batch.length === MAX_BATCH_ENTRIES || (batch.length > 0 && bytes + size > MAX_BATCH_BYTES)) {
      dispatch(batch);
      batch = [];
      bytes = 0;
      while (running.size >= options.inFlight) await Promise.race(running);
    }
    batch.push(o);
    bytes += size;
  }
  if (batch.length > 0 && !fatal) dispatch(batch);
  await Promise.all(running);
  failures.sort((a, b) => a.n - b.n);
  return fatal ? { sent, failures, stopped: fatal.error } : { sent, failures };
}
