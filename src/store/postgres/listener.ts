import pg from 'pg';
import { channelOf, clientConfig } from './pool.ts';
import { QUEUE_CHANGED } from './registry.ts';
import type { PgSettings } from './settings.ts';

/**
 * One connection per store that LISTENs for sends and releases on every
 * server (NOTIFY, payload: the queue id) and for queue changes (payload
 * `changed`: the hot paths' queue cache is dropped). States:
 *   CONNECTING ──(LISTEN done)──▶ LISTENING ──(connection lost)──▶ WAITING ──(RETRY_MS)──▶ CONNECTING
 *   any ──(close)──▶ CLOSED
 * While not LISTENING, wake-ups from other servers are missed; the long polls'
 * fallback poll (shared/waiters.ts) covers that gap, and `onGap` tells the
 * store to wake every poll once listening again.
 */
const RETRY_MS = 1000;

export class Listener {
  #client: pg.Client | undefined;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(
    private readonly settings: PgSettings,
    private readonly onQueue: (queueId: number) => void,
    private readonly onGap: () => void,
    private readonly onQueueChanged: () => void,
  ) {}

  /** Resolves once listening, or rejects when the first connection fails. */
  async start(): Promise<void> {
    await this.#connect();
  }

  async #connect(): Promise<void> {
    const client = new pg.Client(clientConfig(this.settings));
    client.on('error', () => this.#lost(client));
    client.on('end', () => this.#lost(client));
    client.on('notification', (n) => {
      if (n.payload === QUEUE_CHANGED) return this.onQueueChanged();
      const id = Number(n.payload);
      if (Number.isSafeInteger(id)) this.onQueue(id);
    });
    this.#client = client;
    await client.connect();
    await client.query(`LISTEN ${channelOf(this.settings.schema)}`);
    if (this.#closed) await client.end().catch(() => {});
  }

  #lost(client: pg.Client): void {
    if (this.#client !== client || this.#closed) return;
    this.#client = undefined;
    client.end().catch(() => {});
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#connect().then(this.onGap, (): void => this.#lost(this.#client ?? client));
    }, RETRY_MS);
    this.#timer.unref();
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => {});
  }
}
