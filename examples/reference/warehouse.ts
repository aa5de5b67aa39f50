/**
 * `events` → the warehouse: a batch handler writes each batch of messages in
 * one insert (one transaction), the fix for slow row-at-a-time inserts.
 * The target sits behind `WarehouseSink`; `sqliteSink` is the local one. A
 * PostgreSQL sink is the same shape, e.g. with `postgres`:
 *
 *   insertBatch: (rows) => sql`INSERT INTO events ${sql(rows)} ON CONFLICT (id) DO NOTHING`
 *
 * Rows are keyed by the SQS message id, so a redelivered batch inserts nothing twice.
 */

import { defineWorker } from 'sluice';
import { z } from 'zod';
import type { Db } from './db.ts';

export interface EventRow {
  readonly id: string;
  readonly type: string;
  /** Epoch ms. */
  readonly at: number;
  readonly payload: string;
}

export interface WarehouseSink {
  insertBatch(rows: readonly EventRow[]): Promise<void>;
}

export function sqliteSink(db: Db): WarehouseSink {
  db.exec(`CREATE TABLE IF NOT EXISTS events (
    id TEXT PRIMARY KEY, type TEXT NOT NULL, at INTEGER NOT NULL, payload TEXT NOT NULL)`);
  const insert = db.prepare('INSERT OR IGNORE INTO events VALUES (@id, @type, @at, @payload)');
  const insertAll = db.transaction((rows: readonly EventRow[]) => {
    for (const row of rows) insert.run(row);
  });
  return { insertBatch: async (rows) => void insertAll(rows) };
}

const eventBody = z.object({ type: z.string().min(1), at: z.number().optional() }).loose();

export function eventsWorker(sink: WarehouseSink) {
  return defineWorker({
    queue: 'events',
    name: 'warehouse',
    batchSize: 10,
    concurrency: 100,
    schema: eventBody,
    batchHandler: async (messages, ctx) => {
      const rows = messages.map((m) => ({
        id: m.messageId,
        type: m.body.type,
        at: m.body.at ?? m.sentAt ?? Date.now(),
        payload: m.rawBody,
      }));
      await sink.insertBatch(rows);
      ctx.log.debug({ rows: rows.length }, 'events inserted');
    },
  });
}
