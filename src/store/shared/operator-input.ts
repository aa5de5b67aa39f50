/**
 * The operator's inputs, checked the same way by both stores: filter values,
 * page sizes, audit entries (src/store/operator.ts). Each refusal is an
 * InvalidParameterValue naming the field.
 */
import { errors } from '../../sqs/errors.ts';
import type * as O from '../operator.ts';

const ATTRIBUTE_NAME = /^[A-Za-z0-9_.-]{1,256}$/;

export function attributeName(name: unknown): string {
  if (typeof name !== 'string' || !ATTRIBUTE_NAME.test(name))
    throw errors.invalidParameter('attribute.name', name, 'Must be a message attribute name.');
  return name;
}

export function text(name: string, value: unknown): string {
  if (typeof value !== 'string') throw errors.invalidParameter(name, value, 'Must be a string.');
  return value;
}

export function count(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0)
    throw errors.invalidParameter(name, value, 'Must be a whole number, 0 or more.');
  return value;
}

/** A page size or length: `fallback` when unset, else a whole number from 1 to `max`. */
export function bounded(name: string, value: unknown, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max)
    throw errors.invalidParameter(name, value, `Must be a whole number from 1 to ${max}.`);
  return value;
}

/** The audit log as stored: one row per entry. */
export interface AuditRow {
  id: number;
  at: number;
  actor: string;
  action: string;
  queue: string | null;
  count: number | null;
  detail: string | null;
}

export function checkAudit(input: O.AuditInput): void {
  if (typeof input.actor !== 'string' || input.actor === '') throw errors.missingParameter('actor');
  if (typeof input.action !== 'string' || input.action === '') throw errors.missingParameter('action');
}

/** listAudit's page size (1–500, default 100) and the id to read below. */
export function auditPage(input: O.AuditListInput = {}): { limit: number; before: number } {
  const limit = input.limit ?? 100;
  if (!Number.isInteger(limit) || limit < 1 || limit > 500)
    throw errors.invalidParameter('limit', limit, 'Must be a whole number from 1 to 500.');
  return { limit, before: input.before ?? Number.MAX_SAFE_INTEGER };
}

export function toAuditEntry(r: AuditRow): O.AuditEntry {
  const e: O.AuditEntry = { id: r.id, at: r.at, actor: r.actor, action: r.action };
  if (r.queue !== null) e.queue = r.queue;
  if (r.count !== null) e.count = r.count;
  if (r.detail !== null) e.detail = JSON.parse(r.detail) as Record<string, unknown>;
  return e;
}
