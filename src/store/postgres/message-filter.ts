import { queueArn } from '../../sqs/names.ts';
import type { MessageFilter } from '../operator.ts';
import { attributeName, count, text } from '../shared/operator-input.ts';
import type { PgContext } from './context.ts';

/**
 * A MessageFilter as a condition on `messages`, with its parameters numbered
 * from `first` (the SQLite store's message-filter.ts, in PostgreSQL's dialect).
 * Attributes are the JSON text of message-codec.ts: `{"name":{"t":…,"s":…}}`.
 */
export interface FilterSql {
  where: string;
  params: (string | number)[];
}

export const ERROR_SQL = `(attributes::jsonb -> 'sluice.error' ->> 's')`;
/** The queue a dead letter failed in: SQS's redrive records an ARN, a sluice worker a name. */
export const SOURCE_SQL = `coalesce(dlq_source_arn, attributes::jsonb -> 'sluice.sourceQueue' ->> 's')`;

export function filterSql(ctx: PgContext, filter: MessageFilter = {}, first = 1): FilterSql {
  const clauses: string[] = [];
  const params: (string | number)[] = [];
  const p = (v: string | number) => {
    params.push(v);
    return `$${first + params.length - 1}`;
  };
  if (filter.messageId !== undefined) clauses.push(`message_id = ${p(text('messageId', filter.messageId))}`);
  if (filter.body !== undefined && filter.body !== '') {
    const like = `%${text('body', filter.body).replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    clauses.push(`body ILIKE ${p(like)} ESCAPE '\\'`);
  }
  if (filter.attribute !== undefined) {
    const { name, value } = filter.attribute;
    attributeName(name);
    if (value === undefined) clauses.push(`jsonb_exists(attributes::jsonb, ${p(name)})`);
    else clauses.push(`(attributes::jsonb -> ${p(name)} ->> 's') = ${p(text('attribute.value', value))}`);
  }
  if (filter.minReceiveCount !== undefined)
    clauses.push(`receive_count >= ${p(count('minReceiveCount', filter.minReceiveCount))}`);
  if (filter.maxReceiveCount !== undefined)
    clauses.push(`receive_count <= ${p(count('maxReceiveCount', filter.maxReceiveCount))}`);
  if (filter.error === null) clauses.push(`${ERROR_SQL} IS NULL`);
  else if (filter.error !== undefined) clauses.push(`${ERROR_SQL} = ${p(text('error', filter.error))}`);
  if (filter.sourceQueue !== undefined) {
    const name = text('sourceQueue', filter.sourceQueue);
    clauses.push(
      `${SOURCE_SQL} IN (${p(name)}, ${p(queueArn(ctx.identity.region, ctx.identity.accountId, name))})`,
    );
  }
  return { where: clauses.length ? clauses.join(' AND ') : 'true', params };
}
