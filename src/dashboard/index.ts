/**
 * The operator's dashboard, on the server's own port:
 *   /dashboard/…          the pages (pages.ts), /dashboard/static/… their files (assets.ts)
 *   /api/…                the JSON API the pages use (api.ts), login and logout here
 * Who may do what: access.ts. Everything else the server answers as SQS.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KeyRing } from '../protocol/sigv4.ts';
import type { WorkerView } from '../server/worker-sightings.ts';
import type { Store } from '../store/store.ts';
import { Access, SESSION_COOKIE } from './access.ts';
import { api, sessionView } from './api.ts';
import { serveAsset } from './assets.ts';
import { DashboardError, readJson, send, sendError, sendJson } from './http.ts';
import { type PageName, renderPage } from './pages.ts';
import { ScheduleBoard } from './schedules.ts';

export interface DashboardOptions {
  store: Store;
  /** The server's --auth keys: with them, a login is required. */
  keys?: KeyRing;
  /** Access key ids that sign in read-only (viewers); every other key is an operator. */
  viewers?: ReadonlySet<string>;
  log: (line: string) => void;
  now: () => number;
  /** The sluice workers the server sees (src/server/worker-sightings.ts). */
  workers?: () => WorkerView[];
  /** Where a process that runs schedules (sluice dev) attaches its scheduler. */
  schedules?: ScheduleBoard;
  /**
   * Set when the store is not sluice's but an SQS endpoint read through the
   * API (remote-store.ts): what it reads, e.g. "Amazon SQS (region eu-west-1)".
   * The pages then say what needs sluice's store.
   */
  remote?: string;
}

export type DashboardHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  query: string,
) => Promise<void>;

/** True for the paths the dashboard answers; the server sends the rest to SQS. */
export const isDashboardPath = (path: string): boolean =>
  path === '/dashboard' || path.startsWith('/dashboard/') || path === '/api' || path.startsWith('/api/');

/**
 * @example
 * const dashboard = createDashboard({ store, log: console.error, now: Date.now });
 * http.createServer((req, res) => dashboard(req, res, '/dashboard', ''));
 */
export function createDashboard(options: DashboardOptions): DashboardHandler {
  const access = new Access({
    now: options.now,
    ...(options.keys ? { keys: options.keys } : {}),
    ...(options.viewers ? { viewers: options.viewers } : {}),
  });
  const ctx = {
    store: options.store,
    access,
    now: options.now,
    workers: options.workers ?? (() => []),
    schedules: options.schedules ?? new ScheduleBoard(),
  };

  return async (req, res, path, query) => {
    const isApi = path === '/api' || path.startsWith('/api/');
    try {
      if (path.startsWith('/dashboard/static/') && (req.method === 'GET' || req.method === 'HEAD')) {
        if (!serveAsset(req, res, path.slice('/dashboard/static/'.length)))
          send(res, 404, 'text/plain', 'not found');
        return;
      }
      if (path === '/api/login' && req.method === 'POST') {
        const body = await readJson(req);
        const { id, session } = access.login(body.accessKeyId, body.secretAccessKey);
        sendJson(res, 200, sessionView(session, access), {
          'set-cookie': `${SESSION_COOKIE}=${id}; HttpOnly; SameSite=Strict; Path=/`,
        });
        return;
      }
      if (path === '/api/logout' && req.method === 'POST') {
        access.logout(req);
        sendJson(
          res,
          200,
          {},
          { 'set-cookie': `${SESSION_COOKIE}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0` },
        );
        return;
      }
      const session = access.session(req);
      if (isApi) {
        if (!session) throw new DashboardError(401, 'sign in first: POST /api/login', 'NotSignedIn');
        await api(req, res, path, new URLSearchParams(query), session, ctx);
        return;
      }
      if (req.method !== 'GET' && req.method !== 'HEAD')
        throw new DashboardError(405, 'pages are read with GET');
      const route = pageOf(path);
      if (!route) throw new DashboardError(404, `no such page: ${path}`);
      if (route.page === 'login' ? session !== undefined : !session) {
        send(res, 303, 'text/plain', '', { location: session ? '/dashboard' : '/dashboard/login' });
        return;
      }
      send(
        res,
        200,
        'text/html; charset=utf-8',
        renderPage(route.page, session, route.queue, options.remote),
        {
          'cache-control': 'no-store',
        },
      );
    } catch (e) {
      if (isApi || !(e instanceof DashboardError)) sendError(res, e, options.log);
      else send(res, e.status, 'text/plain; charset=utf-8', `${e.message}\n`);
    }
  };
}

function pageOf(path: string): { page: PageName; queue?: string } | undefined {
  if (path === '/dashboard' || path === '/dashboard/') return { page: 'overview' };
  if (path === '/dashboard/login') return { page: 'login' };
  if (path === '/dashboard/audit') return { page: 'audit' };
  if (path === '/dashboard/workers') return { page: 'workers' };
  if (path === '/dashboard/schedules') return { page: 'schedules' };
  const m = /^\/dashboard\/queues\/([^/]+)(\/dead-letters)?$/.exec(path);
  if (!m) return undefined;
  let queue: string;
  try {
    queue = decodeURIComponent(m[1]!);
  } catch {
    return undefined;
  }
  return { page: m[2] ? 'dead-letters' : 'queue', queue };
}
