import type { Database, Statement } from 'better-sqlite3';
import { errors } from '../../sqs/errors.ts';
import { parseQueueArn, parseQueueUrl, queueArn } from '../../sqs/names.ts';
import { type QueueSettings, queueSettings } from '../../sqs/queue-attributes.ts';
import type { StoreIdentity } from '../store.ts';
import { createMessageTable, dropMessageTable, messageTable } from './schema.ts';

/** A queue as the store works with it: its row, plus the parsed settings and names derived from it. */
export interface QueueRecord {
  id: number;
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

interface QueueRow {
  id: number;
  name: string;
  attributes: string;
  tags: string;
  permissions: string;
  created_at: number;
  modified_at: number;
  last_purge_at: number | null;
}

/**
 * The queues, cached in memory. The store is the database's only writer, so
 * the cache is kept in step by writing through it; every lookup by URL, name
 * or ARN is a map access, not a query.
 */
export class QueueRegistry {
  #byName = new Map<string, QueueRecord>();
  #byId = new Map<number, QueueRecord>();
  #insert: Statement;
  #update: Statement;
  #delete: Statement;

  constructor(
    private readonly db: Database,
    private readonly identity: StoreIdentity,
  ) {
    this.#insert = db.prepare(
      'INSERT INTO queues (name, attributes, tags, permissions, created_at, modified_at) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.#update = db.prepare(
      'UPDATE queues SET attributes = ?, tags = ?, permissions = ?, modified_at = ?, last_purge_at = ? WHERE id = ?',
    );
    this.#delete = db.prepare('DELETE FROM queues WHERE id = ?');
    this.reload();
  }

  /** Re-reads every queue from disk (at start, and after a failed commit). */
  reload(): void {
    this.#byName.clear();
    this.#byId.clear();
    for (const row of this.db.prepare('SELECT * FROM queues ORDER BY name').all() as QueueRow[]) {
      this.#remember(row);
    }
  }

  #remember(row: QueueRow): QueueRecord {
    const attributes = JSON.parse(row.attributes) as Record<string, string>;
    const q: QueueRecord = {
      id: row.id,
      name: row.name,
      table: messageTable(row.id),
      attributes,
      settings: queueSettings(attributes),
      tags: JSON.parse(row.tags),
      permissions: JSON.parse(row.permissions),
      createdAt: row.created_at,
      modifiedAt: row.modified_at,
      lastPurgeAt: row.last_purge_at,
      arn: queueArn(this.identity.region, this.identity.accountId, row.name),
      url: this.urlOf(row.name),
    };
    this.#byName.set(q.name, q);
    this.#byId.set(q.id, q);
    return q;
  }

  urlOf(name: string): string {
    return `${this.identity.baseUrl}/${this.identity.accountId}/${name}`;
  }

  /** The queue a QueueUrl names; NonExistentQueue if none. */
  byUrl(url: unknown): QueueRecord {
    if (typeof url !== 'string' || url === '') throw errors.missingParameter('QueueUrl');
    const q = this.#byName.get(parseQueueUrl(url).name);
    if (!q) throw errors.queueDoesNotExist();
    return q;
  }

  byName(name: string): QueueRecord | undefined {
    return this.#byName.get(name);
  }

  byId(id: number): QueueRecord | undefined {
    return this.#byId.get(id);
  }

  byArn(arn: string): QueueRecord | undefined {
    const parsed = parseQueueArn(arn);
    if (!parsed || parsed.accountId !== this.identity.accountId) return undefined;
    return this.#byName.get(parsed.name);
  }

  all(): QueueRecord[] {
    return [...this.#byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  insert(name: string, attributes: Record<string, string>, tags: Record<string, string>, now: number) {
    const info = this.#insert.run(name, JSON.stringify(attributes), JSON.stringify(tags), '{}', now, now);
    createMessageTable(this.db, Number(info.lastInsertRowid));
    return this.#remember({
      id: Number(info.lastInsertRowid),
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
    this.#update.run(
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
    this.#delete.run(q.id);
    dropMessageTable(this.db, q.id);
    this.#byName.delete(q.name);
    this.#byId.delete(q.id);
  }
}
