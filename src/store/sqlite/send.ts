import { createHash } from 'node:crypto';
import {
  validateBatchEntries,
  validateBatchSize,
  validateFifoBatch,
  validateMessage,
} from '../../sqs/message.ts';
import type * as T from '../../sqs/types.ts';
import { eachEntry } from '../shared/batch.ts';
import { encodeAttributes } from '../shared/message-codec.ts';
import { sendAnswer } from '../shared/send-answer.ts';
import { sequenceNumber } from '../shared/sequence.ts';
import type { StoreContext } from './context.ts';
import type { QueueRecord } from './queue-registry.ts';

type Entry = Omit<T.SendMessageInput, 'QueueUrl'>;

export function sendMessage(ctx: StoreContext, input: T.SendMessageInput): T.SendMessageOutput {
  const q = ctx.queues.byUrl(input.QueueUrl);
  validateMessage(input, q.settings, false);
  return insertMessage(ctx, q, input);
}

/** SendMessageBatch: request-level errors fail the call; entry-level ones land in `Failed`. */
export function sendMessageBatch(
  ctx: StoreContext,
  input: T.SendMessageBatchInput,
): T.SendMessageBatchOutput {
  const q = ctx.queues.byUrl(input.QueueUrl);
  validateBatchEntries(input.Entries, 'SendMessageBatchRequestEntry');
  validateBatchSize(input.Entries);
  validateFifoBatch(input.Entries, q.settings);
  return eachEntry(input.Entries, (entry) => {
    validateMessage(entry, q.settings, true);
    return insertMessage(ctx, q, entry);
  });
}

/** Writes one validated message; for FIFO queues applies deduplication and assigns the sequence number. */
function insertMessage(ctx: StoreContext, q: QueueRecord, entry: Entry): T.SendMessageOutput {
  const now = ctx.clock.now();
  const body = entry.MessageBody;
  const { result, attrs, sys } = sendAnswer(entry);
  const md5Body = result.MD5OfMessageBody;
  const md5Attrs = result.MD5OfMessageAttributes;

  let dedupId: string | null = null;
  let sequence: string | null = null;
  if (q.settings.fifo) {
    dedupId = entry.MessageDeduplicationId ?? createHash('sha256').update(body).digest('hex');
    const scope = q.settings.deduplicationScope === 'messageGroup' ? (entry.MessageGroupId ?? '') : '';
    // Ids remembered under queue scope ('') bind every group, also after a switch to messageGroup
    // scope; ids remembered per group do not bind the queue after a switch back (AWS, both recorded).
    const seen =
      ctx.sql`SELECT message_id, sequence_number FROM dedup WHERE queue_id = ? AND scope IN (?, '') AND dedup_id = ? AND expires_at > ? LIMIT 1`.get(
        q.id,
        scope,
        dedupId,
        now,
      ) as { message_id: string; sequence_number: string } | undefined;
    if (seen) {
      // A duplicate within the window is accepted and not delivered again (SQS's exactly-once send).
      return { ...result, MessageId: seen.message_id, SequenceNumber: seen.sequence_number };
    }
    const row = ctx.sql`UPDATE queues SET sequence = sequence + 1 WHERE id = ? RETURNING sequence`.get(
      q.id,
    ) as {
      sequence: number;
    };
    sequence = sequenceNumber(q.createdAt, row.sequence);
    ctx.sql`INSERT OR REPLACE INTO dedup (queue_id, scope, dedup_id, expires_at, message_id, sequence_number) VALUES (?, ?, ?, ?, ?, ?)`.run(
      q.id,
      scope,
      dedupId,
      now + ctx.timings.dedupWindowMs,
      result.MessageId,
      sequence,
    );
    result.SequenceNumber = sequence;
  }
  // FIFO queues have no per-message delay: the queue's applies even to an explicit 0.
  const delay = q.settings.fifo ? q.settings.delaySeconds : (entry.DelaySeconds ?? q.settings.delaySeconds);
  ctx.sql`INSERT INTO ${q.table} (visible_at, message_id, body, md5_body, attributes, md5_attributes,
        system_attributes, sent_at, group_id, dedup_id, sequence_number)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`.run(
    now + delay * 1000,
    result.MessageId,
    body,
    md5Body,
    encodeAttributes(attrs),
    md5Attrs ?? null,
    encodeAttributes(sys),
    now,
    entry.MessageGroupId ?? null,
    q.settings.fifo ? dedupId : (entry.MessageDeduplicationId ?? null),
    sequence,
  );
  ctx.activity.sent(q.id);
  // Delayed sends signal too: a waiting long poll recomputes when it must look again.
  ctx.signalQueue(q.id);
  return result;
}
