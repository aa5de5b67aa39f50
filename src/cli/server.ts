/**
 * `sluice server`: the embedded SQS-compatible server.
 *
 *   sluice server --host 127.0.0.1 --port 9324 --data DIR   (or --memory, or --store postgres://…)
 *                 [--sync full|normal]
 *                 [--advertise URL] [--auth [--auth-file FILE] [--viewers AKID,…]]
 *
 * The dashboard is at /dashboard on the same port (src/dashboard/): only from
 * this machine without --auth; with it, a login by access key, and the keys
 * named by --viewers read only.
 *
 * Options are checked once, here; a bad value is refused with its name.
 * SIGTERM/SIGINT drain the server (requests in flight finish) and close the store.
 */
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { defineCommand } from 'citty';
import { parseKeys } from '../server/keys.ts';
import { startServer } from '../server/server.ts';
import type { Synchronous } from '../store/sqlite/schema.ts';
import { describeStoreUrl, openUrlStore, storeArg, storeOption } from './common/store-option.ts';
import { syncArgs, syncOption } from './common/sync-option.ts';

export interface ServerConfig {
  readonly host: string;
  readonly port: number;
  /** SQLite file path, or ':memory:' (unused with `store`). */
  readonly dbPath: string;
  /** A `postgres://` URL (--store): queues in PostgreSQL, shared with other servers. */
  readonly store?: string;
  /** How hard the file store pushes each commit to disk (--sync, SLUICE_SYNC). */
  readonly sync: Synchronous;
  readonly advertise?: string;
  readonly keys?: ReadonlyMap<string, string>;
  /** Access key ids that sign in to the dashboard read-only. */
  readonly viewers?: ReadonlySet<string>;
}

type Args = Record<string, string | boolean | undefined>;

/** Turns CLI arguments (and SLUICE_AUTH_KEYS) into a frozen config; throws with the option's name. */
export function serverConfig(args: Args, env: NodeJS.ProcessEnv): ServerConfig {
  const host = String(args.host ?? '127.0.0.1');
  const portText = String(args.port ?? '9324');
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535)
    throw new Error(`--port must be an integer 0–65535, got "${portText}"`);
  if (args.memory && args.data) throw new Error('--memory and --data exclude each other');
  if (typeof args.store === 'string' && (args.memory || args.data))
    throw new Error(
      `--store and --${args.memory ? 'memory' : 'data'} exclude each other (one store per server)`,
    );
  const store = storeOption(args);
  if (args.memory && args.sync !== undefined)
    throw new Error('--memory and --sync exclude each other (nothing in memory reaches a disk)');
  const sync = syncOption(args, env);
  const data = typeof args.data === 'string' ? args.data : 'data';
  const dbPath = args.memory ? ':memory:' : join(data, 'sluice.sqlite');
  let advertise: string | undefined;
  if (typeof args.advertise === 'string') {
    if (!/^https?:\/\/[^/\s]+\/?$/.test(args.advertise))
      throw new Error(`--advertise must be a URL like http://host:9324, got "${args.advertise}"`);
    advertise = args.advertise.replace(/\/$/, '');
  }
  let keys: ReadonlyMap<string, string> | undefined;
  if (args.auth || typeof args['auth-file'] === 'string') {
    const file = args['auth-file'];
    keys =
      typeof file === 'string'
        ? parseKeys(readFileSync(file, 'utf8'), `--auth-file ${file}`)
        : parseKeys(env.SLUICE_AUTH_KEYS ?? '', 'SLUICE_AUTH_KEYS');
  }
  let viewers: ReadonlySet<string> | undefined;
  if (typeof args.viewers === 'string') {
    if (!keys) throw new Error('--viewers needs --auth (viewers are access keys that sign in read-only)');
    viewers = new Set(
      args.viewers
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean),
    );
    for (const id of viewers)
      if (!keys.has(id)) throw new Error(`--viewers: "${id}" is not one of the --auth access key ids`);
  }
  return Object.freeze({
    host,
    port,
    dbPath,
    ...(store ? { store } : {}),
    sync,
    ...(advertise ? { advertise } : {}),
    ...(keys ? { keys } : {}),
    ...(viewers ? { viewers } : {}),
  });
}

const isLoopback = (host: string) =>
  host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));

export default defineCommand({
  meta: { name: 'server', description: 'Run the embedded SQS-compatible queue server' },
  args: {
    host: { type: 'string', description: 'Address to bind', default: '127.0.0.1' },
    port: { type: 'string', description: 'Port to listen on (0 picks one)', default: '9324' },
    data: { type: 'string', description: 'Directory of the durable store (default ./data)' },
    memory: { type: 'boolean', description: 'Keep queues in memory only' },
    ...storeArg,
    ...syncArgs,
    advertise: {
      type: 'string',
      description:
        'Base of the queue URLs handed out, e.g. http://sluice:9324 (default: the address bound; for 0.0.0.0 or ::, this machine’s name)',
    },
    auth: {
      type: 'boolean',
      description: 'Require AWS SigV4 signatures (keys from SLUICE_AUTH_KEYS=AKID:secret,…)',
    },
    'auth-file': { type: 'string', description: 'File of AKID:secret lines (implies --auth)' },
    viewers: {
      type: 'string',
      description: 'Access key ids (comma-separated) that sign in to the dashboard read-only',
    },
  },
  async run({ args }) {
    const config = serverConfig(args as Args, process.env);
    if (!isLoopback(config.host) && !config.keys)
      process.stderr.write(
        `\n*** WARNING: sluice is listening on ${config.host} WITHOUT authentication. ***\n` +
          '*** Anyone who can reach this port can read, send and delete messages.  ***\n' +
          '*** Use --auth (keys in SLUICE_AUTH_KEYS or --auth-file) on shared networks. ***\n\n',
      );
    const server = await startServer({
      host: config.host,
      port: config.port,
      ...(config.advertise ? { advertise: config.advertise } : {}),
      ...(config.keys ? { keys: config.keys } : {}),
      ...(config.viewers ? { dashboard: { viewers: config.viewers } } : {}),
      // Each store's driver is loaded only when it is the one asked for.
      openStore: async (baseUrl) =>
        config.store
          ? openUrlStore(config.store, { baseUrl })
          : (await import('../store/sqlite/index.ts')).openSqliteStore({
              path: config.dbPath,
              synchronous: config.sync,
              identity: { baseUrl },
              // Requests from many connections share commits (committer.ts, Gathering).
              gatherMs: 1,
            }),
    });
    const where = config.store
      ? describeStoreUrl(config.store)
      : config.dbPath === ':memory:'
        ? 'in memory'
        : `${config.dbPath}, sync ${config.sync.toLowerCase()}`;
    process.stderr.write(
      `sluice server listening on ${server.url} (queues at ${server.baseUrl}/000000000000/NAME, store ${where}${config.keys ? `, auth: ${config.keys.size} key(s)` : ''})\n`,
    );
    process.stderr.write(
      `sluice server: dashboard at ${server.url}/dashboard${config.keys ? ' (sign in with an access key)' : ' (this machine only)'}\n`,
    );
    // Bound to every interface (0.0.0.0, ::): the queue URLs carry this machine's name instead.
    if (!config.advertise && server.baseUrl !== server.url)
      process.stderr.write(`sluice server: queue URLs use ${server.baseUrl}; set --advertise to change\n`);
    await new Promise<void>((resolve) => {
      const stop = (signal: string) => {
        process.stderr.write(`sluice server: ${signal}, finishing requests in flight\n`);
        server.shutdown().then(resolve, (e: unknown) => {
          process.stderr.write(`sluice server: shutdown failed: ${String(e)}\n`);
          process.exitCode = 1;
          resolve();
        });
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
    });
  },
});
