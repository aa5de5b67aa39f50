/**
 * The worker's probe endpoint (node:http, no framework): `GET /health`
 * (liveness), `GET /ready` (readiness), `GET /metrics` (Prometheus text).
 * HEAD is answered like GET without a body. It never crashes: a check that
 * throws is a 503 naming the error, a failing scrape a 500, a malformed
 * request a 400 — the process that serves probes must outlive its probes.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CheckResult {
  ok: boolean;
  reason?: string;
}

export interface HealthServerOptions {
  /** Defaults to 127.0.0.1; in a container probed from outside (Kubernetes httpGet), 0.0.0.0 (see healthHostDefault). */
  host?: string;
  /** 0 picks a free port. */
  port: number;
  /** A prom-client Registry, or anything that renders the exposition the same way (the supervisor's aggregate). */
  registry: { readonly contentType: string; metrics(): Promise<string> };
  live: () => CheckResult;
  ready: () => CheckResult;
}

export interface HealthServer {
  /** e.g. `http://127.0.0.1:3003` (IPv6 hosts in brackets; loopback when listening on every address). */
  readonly url: string;
  readonly port: number;
  /** Stops listening and drops open connections (probes keep them alive). Idempotent. */
  close(): Promise<void>;
}

const JSON_TYPE = 'application/json; charset=utf-8';

function send(req: IncomingMessage, res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(req.method === 'HEAD' ? undefined : body);
}

function probe(check: () => CheckResult): { status: number; body: string } {
  let result: CheckResult;
  try {
    result = check();
  } catch (error) {
    const reason = `check threw: ${error instanceof Error ? error.message : String(error)}`;
    return { status: 503, body: JSON.stringify({ status: 'fail', reason }) };
  }
  if (result.ok) return { status: 200, body: '{"status":"ok"}' };
  return { status: 503, body: JSON.stringify({ status: 'fail', reason: result.reason ?? 'not ok' }) };
}

async function route(options: HealthServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  // Only the path matters; a query string (cache busting) is ignored.
  const path = (req.url ?? '/').split('?', 1)[0];
  const checks: Record<string, () => CheckResult> = { '/health': options.live, '/ready': options.ready };
  if (path !== '/metrics' && !(path !== undefined && Object.hasOwn(checks, path))) {
    return send(req, res, 404, JSON_TYPE, '{"status":"not found"}');
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('allow', 'GET, HEAD');
    return send(req, res, 405, JSON_TYPE, '{"status":"method not allowed"}');
  }
  if (path === '/metrics') {
    try {
      return send(req, res, 200, options.registry.contentType, await options.registry.metrics());
    } catch (error) {
      return send(req, res, 500, 'text/plain; charset=utf-8', `metrics failed: ${String(error)}\n`);
    }
  }
  const { status, body } = probe(checks[path]!);
  return send(req, res, status, JSON_TYPE, body);
}

/**
 * Starts the health server; resolves once it listens (rejects if the port is taken).
 *
 * @example
 * const health = await startHealthServer({
 *   port: 3003, registry, live: () => liveness.check(), ready: () => ({ ok: true }),
 * });
 * console.log(`${health.url}/metrics`);
 * await health.close();
 */
export async function startHealthServer(options: HealthServerOptions): Promise<HealthServer> {
  const server = createServer((req, res) => {
    req.resume(); // bodies are ignored, but drained so keep-alive connections stay usable
    route(options, req, res).catch(() => {
      // Only a broken socket gets here (headers sent); nothing to answer, drop it.
      res.destroy();
    });
  });
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
    else socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });

  const { address, port } = server.address() as AddressInfo;
  // Listening on every address (0.0.0.0 in a container): the URL is the one a local client can use.
  const reachable = address === '0.0.0.0' ? '127.0.0.1' : address === '::' ? '::1' : address;
  const host = reachable.includes(':') ? `[${reachable}]` : reachable;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
