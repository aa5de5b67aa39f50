/**
 * The operator's reading of a queue without consuming it, as the SQLite
 * store's browse.ts: pages in send order (an id range), counts, dead letters
 * grouped by error, deleting what a filter matches.
 */
import { errors } from '../../sqs/errors.ts';
import type * as O from '../operator.ts';
import { bounded } from '../shared/operator-input.ts';
import { toBrowsed } from '../sqlite/browse.ts';
import { sourceName } from '../sqlite/message-filter.ts';
import type { PgContext } from './context.ts';
import { sweepExpired } from './counts.ts';
import { ERROR_SQL, filterSql, SOURCE_SQL } from './message-filter.ts';
import type { Tx } from './pool.ts';
import { byUrl } from './registry.ts';

export async function browseMessages(ctx: PgContext, tx: Tx, input: O.BrowseInput): Promise<O.BrowseOutput> {
  const q = await byUrl(ctx, tx, input.QueueUrl);
  const limit = bounded('limit', input.limit, 50, 100);
  const previewChars = bounded('previewChars', input.previewChars, 200, 1_048_576);
  const after = input.after === undefined ? 0 : Number(input.after);
  if (!Number.isSafeInteger(after) || after < 0)
    throw errors.invalidParameter('after', input.after, 'Must be the next of an earlier page.');
  await sweepExpired(ctx, tx, q);
  const { where, params } = filterSql(ctx, input.filter, 5);
  const rows = await tx.query<Parameters<typeof toBrowsed>[0]>(
    `SELECT id, message_id, sent_at, receive_count, visible_at,
       octet_length(body) AS size, char_length(body) AS chars, substr(body, 1, $1) AS preview,
       attributes, group_id, ${SOURCE_SQL} AS source
     FROM messages WHERE queue_id = $2 AND id > $3 AND ${where} ORDER BY id LIMIT $4`,
    [previewChars, q.id, after, limit + 1, ...params],
  );
  const now = ctx.clock.now();
  const page = rows.slice(0, limit);
  const out: O.BrowseOutput = { messages: page.map((r) => toBrowsed(r, now)) };
  if (rows.length > limit) out.next = String(page[page.length - 1]!.id);
  return out;
}

export async function countMessages(
  ctx: PgContext,
  tx: Tx,
  input: { QueueUrl: string; filter?: O.MessageFilter },
) {
  const q = await byUrl(ctx, tx, input.QueueUrl);
  await sweepExpired(ctx, tx, q);
  const { where, params } = filterSql(ctx, input.filter, 2);
  const [row] = await tx.query<{ n: number }>(
    `SELECT count(*) AS n FROM messages WHERE queue_id = $1 AND ${where}`,
    [q.id, ...params],
  );
  return row?.n ?? 0;
}

const MAX_GROUPS = 200;

export async function deadLetterGroups(
  ctx: PgContext,
  tx: Tx,
  input: { QueueUrl: string },
): Promise<O.DeadLetterGroup[]> {
  const q = await byUrl(ctx, tx, input.QueueUrl);
  await sweepExpired(ctx, tx, q);
  const rows = await tx.query<{
    error: string | null;
    source: string | null;
    n: number;
    first: number;
    last: number;
  }>(
    `SELECT ${ERROR_SQL} AS error, ${SOURCE_SQL} AS source, count(*) AS n, min(sent_at) AS first, max(sent_at) AS last
     FROM messages WHERE queue_id = $1 GROUP BY 1, 2 ORDER BY n DESC, first, min(id) LIMIT ${MAX_GROUPS}`,
    [q.id],
  );
  return rows.map((r) => ({
    error: r.error,
    sourceQueue: sourceName(r.source) ?? null,
    count: r.n,
    firstSentAt: r.first,
    lastSentAt: r.last,
  }));
}

export async function deleteMessages(
  ctx: PgContext,
  tx: Tx,
  input: { QueueUrl: string; filter?: O.MessageFilter },
) {
  const q = await byUrl(ctx, tx, input.QueueUrl);
  const { where, params } = filterSql(ctx, input.filter, 2);
  const rows = await tx.query(`DELETE FROM messages WHERE queue_id = $1 AND ${where} RETURNING id`, [
    q.id,
    ...params,
  ]);
  return rows.length;
}
