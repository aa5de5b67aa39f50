/**
 * One HTTP request, start to finish: health check, protocol detection, bounded
 * body, signature check, decoding, the store call, and the answer in the
 * request's own protocol. Every failure becomes an SQS error; only a
 * non-SqsError (a bug) is answered with InternalError 500.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type DashboardHandler, isDashboardPath } from '../dashboard/index.ts';
import type { ActionSpec } from '../protocol/actions.ts';
import {
  JSON_CONTENT_TYPE,
  jsonError,
  jsonResult,
  parseJsonRequest,
  type WireError,
} from '../protocol/json.ts';
import { parseQueryRequest } from '../protocol/query.ts';
import {
  QUERY_JSON_CONTENT_TYPE,
  queryJsonError,
  queryJsonResult,
  wantsJson,
} from '../protocol/query-json.ts';
import { type KeyRing, signedRegion, verifySigV4 } from '../protocol/sigv4.ts';
import { TRACE_HEADER, withTraceHeader } from '../protocol/trace-header.ts';
import { XML_CONTENT_TYPE, xmlError, xmlResult } from '../protocol/xml.ts';
import { isSqsError, SqsError } from '../sqs/errors.ts';
import type { Store } from '../store/store.ts';
import { readBody } from './body.ts';
import { type PollContext, receiveFor } from './long-poll.ts';
import { WorkerSightings } from './worker-sightings.ts';

export interface HandlerContext extends PollContext {
  readonly store: Store;
  /** With keys, every request must carry a valid SigV4 signature by one of them. */
  readonly keys?: KeyRing;
  readonly maxBodyBytes: number;
  /** Fires when the server starts draining: open long polls end at once, empty. */
  readonly draining: AbortSignal;
  readonly log: (line: string) => void;
  readonly now: () => number;
  /** Work that outlives its request (handing back undelivered messages); shutdown waits for it. */
  readonly background: (work: Promise<void>) => void;
  /** The operator's dashboard, answering /dashboard and /api (src/dashboard/). */
  readonly dashboard?: DashboardHandler;
  /** What sluice workers do, for the dashboard's workers page. */
  readonly sightings?: WorkerSightings;
}

/** `query-json`: the query protocol, answered in JSON because the client sent `Accept: application/json`. */
type Protocol = 'json' | 'query' | 'query-json';

const internalError = () =>
  new SqsError('InternalError', 'We encountered an internal error. Please try again.');

export async function handle(req: IncomingMessage, res: ServerResponse, ctx: HandlerContext): Promise<void> {
  const requestId = randomUUID();
  res.setHeader('x-amzn-RequestId', requestId);
  if (ctx.draining.aborted) res.setHeader('connection', 'close');
  const rawUrl = req.url ?? '/';
  const q = rawUrl.indexOf('?');
  const path = q < 0 ? rawUrl : rawUrl.slice(0, q);
  const query = q < 0 ? '' : rawUrl.slice(q + 1);
  if (ctx.dashboard && isDashboardPath(path)) {
    await ctx.dashboard(req, res, path, query);
    return;
  }
  if (path === '/health' && (req.method === 'GET' || req.method === 'HEAD')) {
    const sync = ctx.store.synchronous?.()?.toLowerCase();
    send(
      res,
      200,
      { 'content-type': 'application/json' },
      JSON.stringify({ status: 'ok', ...(sync ? { sync } : {}) }),
    );
    return;
  }
  if (path === '/stats' && req.method === 'GET') {
    await sendStats(res, ctx);
    return;
  }
  const target = header(req, 'x-amz-target');
  const protocol: Protocol =
    target !== undefined || header(req, 'content-type')?.startsWith('application/x-amz-json')
      ? 'json'
      : wantsJson(header(req, 'accept'))
        ? 'query-json'
        : 'query';

  let action: ActionSpec | undefined;
  let bodyRead = false;
  try {
    const body = await readBody(req, ctx.maxBodyBytes);
    bodyRead = true;
    if (ctx.keys) verifySigV4(signedRequest(req, path, query, body), ctx.keys, ctx.now());
    const parsed =
      protocol === 'json'
        ? parseJsonRequest(target, body.toString('utf8'))
        : parseQueryRequest(queryParams(query, body), pathQueueUrl(req, path), req.method === 'GET');
    action = parsed.action;
    const input = withTraceHeader(action, parsed.input, header(req, TRACE_HEADER));
    // As in SQS, the region the request is signed for is the namespace its queues live in.
    const region = signedRegion(header(req, 'authorization'), query);
    const store =
      region === undefined || region === ctx.store.region ? ctx.store : ctx.store.inRegion(region);
    let output: unknown;
    if (action.longPoll) {
      output = await receiveFor(res, { ...ctx, store }, action, input);
      if (output === undefined) return; // the client has gone; its messages were handed back
    } else output = await action.call(store, input as never, {});
    const workerId = ctx.sightings && WorkerSightings.idOf(header(req, 'user-agent'));
    if (workerId) ctx.sightings!.observe(workerId, action.name, input as Record<string, unknown>, output);
    const [type, text] =
      protocol === 'json'
        ? [JSON_CONTENT_TYPE, jsonResult(action, output)]
        : protocol === 'query-json'
          ? [QUERY_JSON_CONTENT_TYPE, queryJsonResult(action, output, requestId)]
          : [XML_CONTENT_TYPE, xmlResult(action, output, requestId)];
    send(res, 200, { 'content-type': type }, text);
  } catch (e) {
    if (!isSqsError(e) && !bodyRead) return; // the client broke off mid-body: nobody to answer
    const err = isSqsError(e) ? e : internalError();
    if (!isSqsError(e)) ctx.log(`sluice: internal error in ${action?.name ?? 'request'}: ${String(e)}`);
    const wire: WireError =
      protocol === 'json'
        ? jsonError(err)
        : protocol === 'query-json'
          ? queryJsonError(err, requestId)
          : xmlError(err, requestId);
    if (err.errorName === 'RequestEntityTooLarge') discardBody(req, ctx.maxBodyBytes);
    send(res, wire.status, wire.headers, wire.body);
  }
}

/**
 * The rest of an oversized body is read and dropped, not buffered: closing the
 * connection on unread data would reset it and could destroy the 413 before
 * the client reads it. A client that keeps sending far past the bound is cut off.
 */
function discardBody(req: IncomingMessage, max: number): void {
  let dropped = 0;
  req.on('data', (chunk: Buffer) => {
    dropped += chunk.length;
    if (dropped > 16 * max) req.socket.destroy();
  });
  req.resume();
}

/**
 * GET /stats: every queue's counts and the age of its oldest message, as the
 * store knows them (`Store.stats()`). Not part of the SQS API — there the age
 * is a CloudWatch metric — so `sluice stats`, the scaler and the dashboard
 * read it here. It is unsigned, so a server with --auth does not offer it.
 */
async function sendStats(res: ServerResponse, ctx: HandlerContext): Promise<void> {
  const json = { 'content-type': 'application/json' };
  if (ctx.keys) {
    send(res, 403, json, JSON.stringify({ error: 'GET /stats is not available on a server with --auth' }));
    return;
  }
  try {
    send(res, 200, json, JSON.stringify({ queues: await ctx.store.stats() }));
  } catch {
    send(res, 503, json, JSON.stringify({ error: 'the store is closing' }));
  }
}

function send(res: ServerResponse, status: number, headers: Record<string, string>, body: string): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, headers);
  res.end(body);
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** URL parameters first, then the form body; a key given twice keeps its first value. */
function* queryParams(query: string, body: Buffer): Generator<[string, string]> {
  if (query) yield* new URLSearchParams(query);
  if (body.length) yield* new URLSearchParams(body.toString('utf8'));
}

/** A query request posted to `/ACCOUNT/NAME` addresses that queue. */
function pathQueueUrl(req: IncomingMessage, path: string): string | undefined {
  if (!/^\/[^/]+\/[^/]+\/?$/.test(path)) return undefined;
  return `http://${header(req, 'host') ?? 'localhost'}${path.replace(/\/$/, '')}`;
}

function signedRequest(req: IncomingMessage, path: string, query: string, body: Buffer) {
  const headers = new Map<string, string[]>();
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    const list = headers.get(name);
    if (list) list.push(raw[i + 1]!);
    else headers.set(name, [raw[i + 1]!]);
  }
  const url = `http://${header(req, 'host') ?? 'localhost'}${path}`;
  return { method: req.method ?? 'GET', path, query, headers, body, url };
}
