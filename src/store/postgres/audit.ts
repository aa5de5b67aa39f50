/** The audit log of operators' actions (the SQLite store's audit.ts). */

import type * as O from '../operator.ts';
import { type AuditRow, auditPage, checkAudit, toAuditEntry } from '../shared/operator-input.ts';
import type { PgContext } from './context.ts';
import type { Tx } from './pool.ts';

export async function appendAudit(ctx: PgContext, tx: Tx, input: O.AuditInput): Promise<O.AuditEntry> {
  checkAudit(input);
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
  const { limit, before } = auditPage(input);
  const rows = await tx.query<AuditRow>('SELECT * FROM audit_log WHERE id < $1 ORDER BY id DESC LIMIT $2', [
    before,
    limit,
  ]);
  return rows.map(toAuditEntry);
}
