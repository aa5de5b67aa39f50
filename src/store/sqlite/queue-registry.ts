import type { Database, Statement } from 'better-sqlite3';
import { errors } from '../../sqs/errors.ts';
import { parseQueueArn, parseQueueUrl, queueArn } from '../../sqs/names.ts';
import { type QueueSettings, queueSettings } from '../../sqs/queue-attributes.ts';
import type { StoreIdentity } from '../store.ts';
import { createMessageTable, dropMessageTable, messageTable } from './schema.ts';

/** A queue as the store works with it: its row, plus the parsed settings and names derived from it. */
export interface QueueRecord {
  id: number;
  /** Queues are per region, as in SQS: the region is part of a queue's identity. */
  region: string;
  name: string;
  /** The table of this queue's messages (see schema.ts). */
  table: string;
  attributes: Record<string, string>;
  settings: QueueSettings;
  tags: Record<string, string>;
  permissions: Record<string, unknown>;
  createdAt: number;
  modifiedAt: number;
  lastPurgeAt: number | null;
  arn: string;
  url: string;
}

/** A row of the queues table (the same columns in both stores). */
export interface QueueRow {
  id: number;
  region: string;
  name: string;
  attributes: string;
  tags: string;
  permissions: string;
  created_at: number;
  modified_at: number;
  last_purge_at: number | null;
}

/** What every region's view shares: the cache of all queues and the statements that write them. */
interface Shared {
  db: Database;
  identity: StoreIdentity;
  byKey: Map<string, QueueRecord>;
  byId: Map<number, QueueRecord>;
  insert: Statement;
  update: Statement;
  delete: Statement;
}

const keyOf = (region: string, name: string) => `${region}\u0000${name}`;

/**
 * The queues, cached in memory. The store is the database's only writer, so
 * the cache is kept in step by writing through it; every lookup by URL, name
 * or ARN is a map access, not a query.
 *
 * A registry sees one region (`region`), as an SQS endpoint does: names and
 * URLs resolve in it, and new queues are created in it. `inRegion()` gives
 * the view of another region over the same cache. ARNs name their region
 * themselves, so `byArn` finds a queue in any region.
 */
export class QueueRegistry {
  readonly #shared: Shared;
  readonly region: string;

  /** The registry of the queues in `db`, seen from the identity's (default) region. */
  static open(db: Database, identity: StoreIdentity): QueueRegistry {
    const registry = new QueueRegistry(
      {
        db,
        identity,
        byKey: new Map(),
        byId: new Map(),
        insert: db.prepare(
          'INSERT INTO queues (region, name, attributes, tags, permissions, created_at, modified_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
        ),
        update: db.prepare(
          'UPDATE queues SET attributes = ?, tags = ?, permissions = ?, modified_at = ?, last_purge_at = ? WHERE id = ?',
        ),
        delete: db.prepare('DELETE FROM queues WHERE id = ?'),
      },
      identity.region,
    );
    registry.reload();
    return registry;
  }

  private constructor(shared: Shared, region: string) {
    this.#shared = shared;
    this.region = region;
  }

  /** The same queues as seen from `region`. */
  inRegion(region: string): QueueRegistry {
    return region === this.region ? this : new QueueRegistry(this.#shared, region);
  }

  /** Re-reads every queue from disk (at start, and after a failed commit). */
  reload(): void {
    const { db, byKey, byId } = this.#shared;
    byKey.clear();
    byId.clear();
    for (const row of db.prepare('SELECT * FROM queues ORDER BY name').all() as QueueRow[]) {
      this.#remember(row);
    }
  }

  #remember(row: QueueRow): QueueRecord {
    const { identity, byKey, byId } = this.#shared;
    const q: QueueRecord = {
      ...queueRecordOf(row, identity.accountId, this.urlOf(row.name)),
      table: messageTable(row.id),
    };
    byKey.set(keyOf(q.region, q.name), q);
    byId.set(q.id, q);
    return q;
  }

  /** Queue URLs carry no region (see README, Compatibility): the caller's region picks the queue. */
  urlOf(name: string): string {
    const { identity } = this.#shared;
    return `${identity.baseUrl}/${identity.accountId}/${name}`;
  }

  /** The queue a QueueUrl (or, as SQS allows, a bare queue name) names; NonExistentQueue if none. */
  byUrl(url: unknown): QueueRecord {
    if (typeof url !== 'string' || url === '') throw errors.missingParameter('QueueUrl');
    const q = this.byName(parseQueueUrl(url, this.#shared.identity.accountId).name);
    if (!q) throw errors.queueDoesNotExist();
    return q;
  }

  byName(name: string): QueueRecord | undefined {
    return this.#shared.byKey.get(keyOf(this.region, name));
  }

  byId(id: number): QueueRecord | undefined {
    return this.#shared.byId.get(id);
  }

  byArn(arn: string): QueueRecord | undefined {
    const parsed = parseQueueArn(arn);
    if (!parsed || parsed.accountId !== this.#shared.identity.accountId) return undefined;
    return this.#shared.byKey.get(keyOf(parsed.region, parsed.name));
  }

  /** This region's queues, by name. */
  all(): QueueRecord[] {
    return [...this.#shared.byKey.values()]
      .filter((q) => q.region === this.region)
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  insert(name: string, attributes: Record<string, string>, tags: Record<string, string>, now: number) {
    const { db, insert } = this.#shared;
    const info = insert.run(
      this.region,
      name,
      JSON.stringify(attributes),
      JSON.stringify(tags),
      '{}',
      now,
      now,
    );
    createMessageTable(db, Number(info.lastInsertRowid));
    return this.#remember({
      id: Number(info.lastInsertRowid),
      region: this.region,
      name,
      attributes: JSON.stringify(attributes),
      tags: JSON.stringify(tags),
      permissions: '{}',
      created_at: now,
      modified_at: now,
      last_purge_at: null,
    });
  }

  /** Writes the mutable parts of `q` (already changed by the caller) and refreshes derived fields. */
  save(q: QueueRecord): QueueRecord {
    this.#shared.update.run(
      JSON.stringify(q.attributes),
      JSON.stringify(q.tags),
      JSON.stringify(q.permissions),
      q.modifiedAt,
      q.lastPurgeAt,
      q.id,
    );
    q.settings = queueSettings(q.attributes);
    return q;
  }

  remove(q: QueueRecord): void {
    const { db, byKey, byId } = this.#shared;
    this.#shared.delete.run(q.id);
    dropMessageTable(db, q.id);
    byKey.delete(keyOf(q.region, q.name));
    byId.delete(q.id);
  }
}

/** A queue's record from its row: parsed attributes and settings, its ARN and URL. */
export function queueRecordOf(row: QueueRow, accountId: string, url: string): Omit<QueueRecord, 'table'> {
  const attributes = JSON.parse(row.attributes) as Record<string, string>;
  return {
    id: row.id,
    region: row.region,
    name: row.name,
    attributes,
    settings: queueSettings(attributes),
    tags: JSON.parse(row.tags),
    permissions: JSON.parse(row.permissions),
    createdAt: row.created_at,
    modifiedAt: row.modified_at,
    lastPurgeAt: row.last_purge_at,
    arn: queueArn(row.region, accountId, row.name),
    url,
  };
}
