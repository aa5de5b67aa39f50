/**
 * A MessageFilter from the API's query string (GET) or JSON body (actions),
 * one spelling for both:
 *   id, body, attr (`name` or `name=value`), minReceives, maxReceives,
 *   error (the recorded error; `noError=1`: messages with none), source.
 */
import type { MessageFilter } from '../store/operator.ts';
import { DashboardError } from './http.ts';

export type FilterFields = Record<string, unknown>;

export function filterOf(fields: FilterFields): MessageFilter {
  const filter: MessageFilter = {};
  const text = (name: string) => {
    const v = fields[name];
    if (v === undefined || v === '') return undefined;
    if (typeof v !== 'string')
      throw new DashboardError(400, `${name} must be text, got ${JSON.stringify(v)}`);
    return v;
  };
  const whole = (name: string) => {
    const v = fields[name];
    if (v === undefined || v === '') return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0)
      throw new DashboardError(400, `${name} must be a whole number, got ${JSON.stringify(v)}`);
    return n;
  };
  const id = text('id');
  if (id !== undefined) filter.messageId = id.trim();
  const body = text('body');
  if (body !== undefined) filter.body = body;
  const attr = text('attr');
  if (attr !== undefined) {
    const eq = attr.indexOf('=');
    filter.attribute =
      eq < 0 ? { name: attr.trim() } : { name: attr.slice(0, eq).trim(), value: attr.slice(eq + 1) };
  }
  const min = whole('minReceives');
  if (min !== undefined) filter.minReceiveCount = min;
  const max = whole('maxReceives');
  if (max !== undefined) filter.maxReceiveCount = max;
  if (fields.noError === '1' || fields.noError === true) filter.error = null;
  else {
    const error = text('error');
    if (error !== undefined) filter.error = error;
  }
  const source = text('source');
  if (source !== undefined) filter.sourceQueue = source;
  return filter;
}
