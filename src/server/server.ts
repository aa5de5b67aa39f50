/**
 * The sluice HTTP endpoint: the store, reachable over the SQS wire protocols.
 *
 * Life of a server (one state at a time, in this order only):
 *
 *   STARTING  listen() binds the port; the store is opened with the URL the
 *             server turned out to have (port 0 picks one). Requests that
 *             arrive meanwhile wait for the store.
 *   SERVING   every request is handled (handle.ts); each is counted in flight
 *             until its answer is written.
 *   DRAINING  shutdown(): the listening socket closes, idle keep-alive
 *             connections close, open long polls end at once with no
 *             messages (the `draining` signal), later answers carry
 *             `Connection: close`. Requests in flight finish normally.
 *   CLOSED    in flight reached zero and background work (handing back
 *             undelivered messages) settled: the store is closed, remaining
 *             connections are destroyed. shutdown() resolves.
 *
 * shutdown() called again returns the same promise.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { createDashboard } from '../dashboard/index.ts';
import { sampleHistory } from '../dashboard/sampler.ts';
import type { ScheduleBoard } from '../dashboard/schedules.ts';
import type { KeyRing } from '../protocol/sigv4.ts';
import type { Store } from '../store/store.ts';
import { answerUnparseable } from './client-error.ts';
import { type HandlerContext, handle } from './handle.ts';
import { drainingSignal } from './long-poll.ts';
import { WorkerSightings } from './worker-sightings.ts';

export interface ServerOptions {
  /** Defaults to 127.0.0.1. */
  host?: string;
  /** Defaults to 9324; 0 picks a free port. */
  port?: number;
  /**
   * Base of the queue URLs handed out, when clients reach the server under
   * another name. Default: the address listened on, or, for 0.0.0.0 / ::
   * (every interface; no address to connect to), this machine's name.
   */
  advertise?: string;
  /** Opens the store once the base URL is known. */
  openStore: (baseUrl: string) => Store | Promise<Store>;
  /** With keys, every request must be signed (SigV4) by one of them. */
  keys?: KeyRing;
  /** Largest request body accepted, in bytes (default 4 MiB: a 1 MiB message form-encodes to at most ~3 MiB). */
  maxBodyBytes?: number;
  /** Where operational messages go (default: stderr). */
  log?: (line: string) => void;
  /**
   * The operator's dashboard at /dashboard (its API at /api); on unless false.
   * `viewers`: access key ids that sign in read-only; `schedules`: where a
   * process that runs schedules attaches them (sluice dev).
   */
  dashboard?: false | { viewers?: ReadonlySet<string>; schedules?: ScheduleBoard };
}

export interface RunningServer {
  /** Where the server listens, e.g. `http://127.0.0.1:9324`. */
  readonly url: string;
  /** Base of queue URLs: the advertised URL, `url`, or `http://<hostname>:<port>` when `url` is 0.0.0.0 or ::. */
  readonly baseUrl: string;
  readonly http: Server;
  readonly store: Store;
  shutdown(): Promise<void>;
}

export const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;

type State = 'STARTING' | 'SERVING' | 'DRAINING' | 'CLOSED';

/**
 * Starts a server and opens its store.
 *
 * @example
 * const server = await startServer({ port: 0, openStore: (baseUrl) => openSqliteStore({ path: ':memory:', identity: { baseUrl } }) });
 * console.log(server.url);
 * await server.shutdown();
 */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const draining = new AbortController();
  let state: State = 'STARTING';
  let inFlight = 0;
  let background = new Set<Promise<void>>();
  let idle: (() => void) | undefined;
  const settle = () => {
    if (inFlight === 0 && background.size === 0) idle?.();
  };
  const track = (work: Promise<void>) => {
    background.add(work);
    void work.finally(() => {
      background.delete(work);
      settle();
    });
  };

  // The handler's context, complete once the store is open; requests that arrive earlier wait for it.
  let resolveReady!: (ctx: HandlerContext) => void;
  let rejectReady!: (e: unknown) => void;
  const ready = new Promise<HandlerContext>((res, rej) => {
    resolveReady = res;
    rejectReady = rej;
  });
  ready.catch(() => {}); // reported by startServer's own rejection

  const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    inFlight++;
    ready
      .then((ctx) => handle(req, res, ctx))
      .catch((e: unknown) => {
        log(`sluice: request failed: ${String(e)}`);
        if (!res.headersSent) res.writeHead(500).end();
      })
      .finally(() => {
        inFlight--;
        settle();
      });
  });
  // A long poll may legitimately keep a request open for 20 s; only the headers are timed.
  server.requestTimeout = 0;
  server.on('clientError', answerUnparseable);

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 9324, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  const unspecified = address.address === '0.0.0.0' || address.address === '::';
  const baseUrl = (options.advertise ?? (unspecified ? `http://${hostname()}:${address.port}` : url)).replace(
    /\/+$/,
    '',
  );
  let store: Store;
  try {
    store = await options.openStore(baseUrl);
  } catch (e) {
    rejectReady(e);
    await new Promise((r) => server.close(r));
    throw e;
  }
  const sightings = new WorkerSightings(Date.now);
  resolveReady({
    store,
    ...(options.keys ? { keys: options.keys } : {}),
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    draining: drainingSignal(draining),
    log,
    now: Date.now,
    background: track,
    ...(options.dashboard === false
      ? {}
      : {
          sightings,
          dashboard: createDashboard({
            store,
            log,
            now: Date.now,
            workers: () => sightings.list(),
            ...(options.keys ? { keys: options.keys } : {}),
            ...(options.dashboard?.viewers ? { viewers: options.dashboard.viewers } : {}),
            ...(options.dashboard?.schedules ? { schedules: options.dashboard.schedules } : {}),
          }),
        }),
  });
  state = 'SERVING';
  // The dashboard's charts: a history sample every minute (store.recordHistory).
  const stopSampling = options.dashboard === false ? () => {} : sampleHistory(store, { log });

  let closing: Promise<void> | undefined;
  const shutdown = () => {
    closing ??= (async () => {
      if (state !== 'SERVING') throw new Error(`shutdown() in state ${state}`);
      state = 'DRAINING';
      draining.abort();
      const closed = new Promise<void>((r) => server.close(() => r()));
      server.closeIdleConnections();
      await new Promise<void>((r) => {
        idle = r;
        settle();
      });
      stopSampling();
      await store.close();
      state = 'CLOSED';
      server.closeAllConnections();
      await closed;
      background = new Set();
    })();
    return closing;
  };

  return { url, baseUrl, http: server, store, shutdown };
}
