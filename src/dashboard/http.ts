/**
 * What every dashboard answer shares: security headers (a strict
 * Content-Security-Policy with no inline script or style), JSON in and out,
 * and errors as `{ "error": "…", "code": "…" }` with an HTTP status.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody } from '../server/body.ts';
import { isSqsError } from '../sqs/errors.ts';

export const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': CSP,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

/** An error the dashboard answers as-is: its status and a sentence for the operator. */
export class DashboardError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code = status === 403 ? 'Forbidden' : status === 404 ? 'NotFound' : 'BadRequest',
  ) {
    super(message);
  }
}

export function send(
  res: ServerResponse,
  status: number,
  contentType: string,
  body: string | Buffer,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': contentType, ...headers });
  res.end(body);
}

export function sendJson(res: ServerResponse, status: number, value: unknown, headers = {}): void {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(value), {
    'cache-control': 'no-store',
    ...headers,
  });
}

/** Any failure as JSON: the dashboard's own errors and SQS's keep their status; anything else is a 500. */
export function sendError(res: ServerResponse, e: unknown, log: (line: string) => void): void {
  if (e instanceof DashboardError) sendJson(res, e.status, { error: e.message, code: e.code });
  else if (isSqsError(e)) {
    const status = e.code === 'AWS.SimpleQueueService.NonExistentQueue' ? 404 : e.status;
    sendJson(res, status, { error: e.message, code: e.code });
  } else {
    log(`sluice: dashboard: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    sendJson(res, 500, { error: 'internal error (see the server log)', code: 'InternalError' });
  }
}

const MAX_JSON_BYTES = 2 * 1024 * 1024;

/** The request's JSON object body; refuses anything but application/json (which a cross-site form cannot send). */
export async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  if (!req.headers['content-type']?.startsWith('application/json'))
    throw new DashboardError(415, 'send the request body as application/json', 'UnsupportedMediaType');
  const text = (await readBody(req, MAX_JSON_BYTES)).toString('utf8');
  let value: unknown;
  try {
    value = text === '' ? {} : JSON.parse(text);
  } catch {
    throw new DashboardError(400, 'the request body is not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new DashboardError(400, 'the request body must be a JSON object');
  return value as Record<string, unknown>;
}

export function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
