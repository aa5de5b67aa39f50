/** The audit log of operators' actions: one row each, newest first when read. */

import type * as O from '../operator.ts';
import { type AuditRow, auditPage, checkAudit, toAuditEntry } from '../shared/operator-input.ts';
import type { StoreContext } from './context.ts';

export function appendAudit(ctx: StoreContext, input: O.AuditInput): O.AuditEntry {
  checkAudit(input);
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
  const { limit, before } = auditPage(input);
  const rows = ctx.sql`SELECT * FROM audit_log WHERE id < ? ORDER BY id DESC LIMIT ?`.all(
    before,
    limit,
  ) as AuditRow[];
  return rows.map(toAuditEntry);
}
