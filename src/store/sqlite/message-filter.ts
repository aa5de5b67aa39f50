import { queueArn } from '../../sqs/names.ts';
import type { MessageFilter } from '../operator.ts';
import { attributeName, count, text } from '../shared/operator-input.ts';
import type { StoreContext } from './context.ts';

/**
 * A MessageFilter as an SQL condition on a queue's message table, with its
 * parameters. The condition text depends only on which fields are set (so
 * prepared statements are reused per shape); every value is a parameter.
 * Attributes are the JSON of message-codec.ts: `{"name":{"t":…,"s":…}}`.
 */
export interface FilterSql {
  where: string;
  params: (string | number)[];
}

/** JSON path of a string attribute's value; names are SQS attribute names, checked before use. */
const attributePath = (name: string, field = '.s') => `$."${name}"${field}`;
export const ERROR_SQL = `json_extract(attributes, '${attributePath('sluice.error')}')`;
/** The queue a dead letter failed in: SQS's redrive records an ARN, a sluice worker a name. */
export const SOURCE_SQL = `coalesce(dlq_source_arn, json_extract(attributes, '${attributePath('sluice.sourceQueue')}'))`;

export function filterSql(ctx: StoreContext, filter: MessageFilter = {}): FilterSql {
  const clauses: string[] = [];
  const params: (string | number)[] = [];
  if (filter.messageId !== undefined) {
    clauses.push('message_id = ?');
    params.push(text('messageId', filter.messageId));
  }
  if (filter.body !== undefined && filter.body !== '') {
    clauses.push("body LIKE ? ESCAPE '\\'");
    params.push(`%${text('body', filter.body).replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  }
  if (filter.attribute !== undefined) {
    const { name, value } = filter.attribute;
    attributeName(name);
    if (value === undefined) {
      clauses.push('json_extract(attributes, ?) IS NOT NULL');
      params.push(attributePath(name, ''));
    } else {
      clauses.push('json_extract(attributes, ?) = ?');
      params.push(attributePath(name), text('attribute.value', value));
    }
  }
  if (filter.minReceiveCount !== undefined) {
    clauses.push('receive_count >= ?');
    params.push(count('minReceiveCount', filter.minReceiveCount));
  }
  if (filter.maxReceiveCount !== undefined) {
    clauses.push('receive_count <= ?');
    params.push(count('maxReceiveCount', filter.maxReceiveCount));
  }
  if (filter.error === null) clauses.push(`${ERROR_SQL} IS NULL`);
  else if (filter.error !== undefined) {
    clauses.push(`${ERROR_SQL} = ?`);
    params.push(text('error', filter.error));
  }
  if (filter.sourceQueue !== undefined) {
    const name = text('sourceQueue', filter.sourceQueue);
    clauses.push(`${SOURCE_SQL} IN (?, ?)`);
    params.push(name, queueArn(ctx.identity.region, ctx.identity.accountId, name));
  }
  return { where: clauses.length ? clauses.join(' AND ') : '1', params };
}

/** The queue name a SOURCE_SQL value stands for. */
export function sourceName(value: string | null): string | undefined {
  if (value === null) return undefined;
  return value.startsWith('arn:') ? value.slice(value.lastIndexOf(':') + 1) : value;
}
