/** The audit log of operators' actions: one row each, newest first when read. */
import { errors } from '../../sqs/errors.ts';
import type * as O from '../operator.ts';
import type { StoreContext } from './context.ts';

interface AuditRow {
  id: number;
  at: number;
  actor: string;
  action: string;
  queue: string | null;
  count: number | null;
  detail: string | null;
}

export function appendAudit(ctx: StoreContext, input: O.AuditInput): O.AuditEntry {
  if (typeof input.actor !== 'string' || input.actor === '') throw errors.missingParameter('actor');
  if (typeof input.action !== 'string' || input.action === '') throw errors.missingParameter('action');
  const at = ctx.clock.now();
  const info =
    ctx.sql`INSERT INTO audit_log (at, actor, action, queue, count, detail) VALUES (?, ?, ?, ?, ?, ?)`.run(
      at,
      input.actor,
      input.action,
      input.queue ?? null,
      input.count ?? null,
      input.detail ? JSON.stringify(input.detail) : null,
    );
  return { ...input, id: Number(info.lastInsertRowid), at };
}

export function listAudit(ctx: StoreContext, input: O.AuditListInput = {}): O.AuditEntry[] {
  const limit = input.limit ?? 100;
  if (!Number.isInteger(limit) || limit < 1 || limit > 500)
    throw errors.invalidParameter('limit', limit, 'Must be a whole number from 1 to 500.');
  const before = input.before ?? Number.MAX_SAFE_INTEGER;
  const rows = ctx.sql`SELECT * FROM audit_log WHERE id < ? ORDER BY id DESC LIMIT ?`.all(
    before,
    limit,
  ) as AuditRow[];
  return rows.map((r) => {
    const e: O.AuditEntry = { id: r.id, at: r.at, actor: r.actor, action: r.action };
    if (r.queue !== null) e.queue = r.queue;
    if (r.count !== null) e.count = r.count;
    if (r.detail !== null) e.detail = JSON.parse(r.detail) as Record<string, unknown>;
    return e;
  });
}
