/** The audit log of operators' actions (the SQLite store's audit.ts). */
import { errors } from '../../sqs/errors.ts';
import type * as O from '../operator.ts';
import type { PgContext } from './context.ts';
import type { Tx } from './pool.ts';

interface AuditRow {
  id: number;
  at: number;
  actor: string;
  action: string;
  queue: string | null;
  count: number | null;
  detail: string | null;
}

export async function appendAudit(ctx: PgContext, tx: Tx, input: O.AuditInput): Promise<O.AuditEntry> {
  if (typeof input.actor !== 'string' || input.actor === '') throw errors.missingParameter('actor');
  if (typeof input.action !== 'string' || input.action === '') throw errors.missingParameter('action');
  const at = ctx.clock.now();
  const [row] = await tx.query<{ id: number }>(
    'INSERT INTO audit_log (at, actor, action, queue, count, detail) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id',
    [
      at,
      input.actor,
      input.action,
      input.queue ?? null,
      input.count ?? null,
      input.detail ? JSON.stringify(input.detail) : null,
    ],
  );
  return { ...input, id: row!.id, at };
}

export async function listAudit(
  _ctx: PgContext,
  tx: Tx,
  input: O.AuditListInput = {},
): Promise<O.AuditEntry[]> {
  const limit = input.limit ?? 100;
  if (!Number.isInteger(limit) || limit < 1 || limit > 500)
    throw errors.invalidParameter('limit', limit, 'Must be a whole number from 1 to 500.');
  const before = input.before ?? Number.MAX_SAFE_INTEGER;
  const rows = await tx.query<AuditRow>('SELECT * FROM audit_log WHERE id < $1 ORDER BY id DESC LIMIT $2', [
    before,
    limit,
  ]);
  return rows.map((r) => {
    const e: O.AuditEntry = { id: r.id, at: r.at, actor: r.actor, action: r.action };
    if (r.queue !== null) e.queue = r.queue;
    if (r.count !== null) e.count = r.count;
    if (r.detail !== null) e.detail = JSON.parse(r.detail) as Record<string, unknown>;
    return e;
  });
}
