/**
 * Reading a queue without consuming it, for the operator: pages of messages
 * in send order (a rowid range, so a page costs the rows it reads, not the
 * queue's size), counts, dead letters grouped by error, and deleting what a
 * filter matches. Expired messages are swept first, as counts.ts does.
 */
import { errors } from '../../sqs/errors.ts';
import type * as O from '../operator.ts';
import { decodeAttributes } from '../shared/message-codec.ts';
import { bounded } from '../shared/operator-input.ts';
import type { StoreContext } from './context.ts';
import { sweepExpired } from './counts.ts';
import { ERROR_SQL, filterSql, SOURCE_SQL, sourceName } from './message-filter.ts';

export interface BrowseRow {
  id: number;
  message_id: string;
  sent_at: number;
  receive_count: number;
  visible_at: number;
  size: number;
  chars: number;
  preview: string;
  attributes: string | null;
  group_id: string | null;
  source: string | null;
}

export function browseMessages(ctx: StoreContext, input: O.BrowseInput): O.BrowseOutput {
  const q = ctx.queues.byUrl(input.QueueUrl);
  const limit = bounded('limit', input.limit, 50, 100);
  const previewChars = bounded('previewChars', input.previewChars, 200, 1_048_576);
  const after = input.after === undefined ? 0 : Number(input.after);
  if (!Number.isSafeInteger(after) || after < 0)
    throw errors.invalidParameter('after', input.after, 'Must be the next of an earlier page.');
  sweepExpired(ctx, q);
  const { where, params } = filterSql(ctx, input.filter);
  const rows = ctx.sql`SELECT id, message_id, sent_at, receive_count, visible_at,
      length(CAST(body AS BLOB)) AS size, length(body) AS chars, substr(body, 1, ?) AS preview,
      attributes, group_id, ${SOURCE_SQL} AS source
    FROM ${q.table} WHERE id > ? AND ${where} ORDER BY id LIMIT ?`.all(
    previewChars,
    after,
    ...params,
    limit + 1,
  ) as BrowseRow[];
  const now = ctx.clock.now();
  const page = rows.slice(0, limit);
  const out: O.BrowseOutput = { messages: page.map((r) => toBrowsed(r, now)) };
  if (rows.length > limit) out.next = String(page[page.length - 1]!.id);
  return out;
}

export function toBrowsed(r: BrowseRow, now: number): O.BrowsedMessage {
  const attributes: Record<string, string> = {};
  for (const [name, v] of Object.entries(decodeAttributes(r.attributes) ?? {})) {
    attributes[name] =
      v.StringValue ??
      (v.BinaryValue ? Buffer.from(v.BinaryValue).toString('base64') : (v.StringListValues ?? []).join(','));
  }
  const m: O.BrowsedMessage = {
    messageId: r.message_id,
    sentAt: r.sent_at,
    receiveCount: r.receive_count,
    size: r.size,
    state: r.visible_at <= now ? 'visible' : r.receive_count > 0 ? 'inFlight' : 'delayed',
    visibleAt: r.visible_at,
    attributes,
    body: r.preview,
    truncated: r.chars > r.preview.length,
  };
  if (r.group_id !== null) m.groupId = r.group_id;
  const source = sourceName(r.source);
  if (source !== undefined) m.sourceQueue = source;
  if (attributes['sluice.error'] !== undefined) m.error = attributes['sluice.error'];
  return m;
}

export function countMessages(ctx: StoreContext, input: { QueueUrl: string; filter?: O.MessageFilter }) {
  const q = ctx.queues.byUrl(input.QueueUrl);
  sweepExpired(ctx, q);
  const { where, params } = filterSql(ctx, input.filter);
  return (ctx.sql`SELECT count(*) AS n FROM ${q.table} WHERE ${where}`.get(...params) as { n: number }).n;
}

const MAX_GROUPS = 200;

export function deadLetterGroups(ctx: StoreContext, input: { QueueUrl: string }): O.DeadLetterGroup[] {
  const q = ctx.queues.byUrl(input.QueueUrl);
  sweepExpired(ctx, q);
  const rows = ctx.sql`SELECT ${ERROR_SQL} AS error, ${SOURCE_SQL} AS source, count(*) AS n,
      min(sent_at) AS first, max(sent_at) AS last
    FROM ${q.table} GROUP BY 1, 2 ORDER BY n DESC, first LIMIT ${String(MAX_GROUPS)}`.all() as {
    error: string | null;
    source: string | null;
    n: number;
    first: number;
    last: number;
  }[];
  return rows.map((r) => ({
    error: r.error,
    sourceQueue: sourceName(r.source) ?? null,
    count: r.n,
    firstSentAt: r.first,
    lastSentAt: r.last,
  }));
}

export function deleteMessages(ctx: StoreContext, input: { QueueUrl: string; filter?: O.MessageFilter }) {
  const q = ctx.queues.byUrl(input.QueueUrl);
  const { where, params } = filterSql(ctx, input.filter);
  return ctx.sql`DELETE FROM ${q.table} WHERE ${where}`.run(...params).changes;
}
