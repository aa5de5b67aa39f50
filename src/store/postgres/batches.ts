import type { MessageRow, Projection } from '../shared/projection.ts';
import type { Receipt } from '../shared/receipt.ts';
import { Coalescer } from './coalesce.ts';
import type { Tx } from './pool.ts';
import type { QueueRecord } from './registry.ts';
import type { Row } from './send.ts';

/** Runs `fn` on a connection of the store's pool (see pool.ts inTransaction). */
export type Run = <R>(fn: (tx: Tx) => Promise<R>, autocommit?: boolean) => Promise<R>;

/** One sender's validated rows of a standard queue; answers whether the queue still existed. */
export interface InsertItem {
  q: QueueRecord;
  rows: Row[];
}

/** One receiver's claim on a standard queue without a redrive policy. */
export interface ClaimItem {
  q: QueueRecord;
  max: number;
  visibilitySeconds: number;
  projection: Projection;
  signal: AbortSignal | undefined;
}

export interface Claimed {
  rows: MessageRow[];
  /** The time the claim used (its visibility and wait times start there). */
  now: number;
}

/** One caller's receipts to delete from a standard queue; answers how many were still there. */
export interface DeleteItem {
  q: QueueRecord;
  receipts: Receipt[];
}

/**
 * The hot paths' statements, each gathered across the requests that arrive
 * while one runs (coalesce.ts): sends of a queue become one INSERT, receives
 * of a queue with the same visibility one claiming UPDATE, deletes one
 * DELETE. The statements themselves live with their action (send.ts,
 * receive.ts, ack.ts); this file only wires them to their coalescers.
 */
export interface Batches {
  insert: Coalescer<InsertItem, boolean>;
  claim: Coalescer<ClaimItem, Claimed>;
  delete: Coalescer<DeleteItem, number>;
}

/** Statements of one key at once: one, so that everything waiting meanwhile goes into the next (the larger the statement, the less each message costs PostgreSQL). */
const IN_FLIGHT = 1;

export function openBatches(executors: {
  insert: (items: InsertItem[]) => Promise<boolean[]>;
  claim: (items: ClaimItem[]) => Promise<Claimed[]>;
  delete: (items: DeleteItem[]) => Promise<number[]>;
}): Batches {
  return {
    insert: new Coalescer((_k, items) => executors.insert(items), { inFlight: IN_FLIGHT, maxUnits: 1000 }),
    claim: new Coalescer((_k, items) => executors.claim(items), { inFlight: IN_FLIGHT, maxUnits: 1000 }),
    delete: new Coalescer((_k, items) => executors.delete(items), { inFlight: IN_FLIGHT, maxUnits: 1000 }),
  };
}
