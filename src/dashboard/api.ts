/**
 * The dashboard's JSON API, under /api; the pages use nothing else, so a
 * script can do whatever the page does (README: "The dashboard's API").
 * Reads are GET; actions are POST with a JSON body and the CSRF token
 * (access.ts), and each is written to the audit log with who did it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { WorkerView } from '../server/worker-sightings.ts';
import type { HistoryRange } from '../store/operator.ts';
import type { Store } from '../store/store.ts';
import type { Access, Session } from './access.ts';
import { filterOf } from './filters.ts';
import { DashboardError, readJson, sendJson } from './http.ts';
import { scalingDecisions } from './queue-tags.ts';
import type { ScheduleBoard } from './schedules.ts';

export interface ApiContext {
  store: Store;
  access: Access;
  now: () => number;
  workers: () => WorkerView[];
  schedules: ScheduleBoard;
}

interface Call {
  req: IncomingMessage;
  res: ServerResponse;
  params: URLSearchParams;
  session: Session;
  /** The queue named in the path, when there is one. */
  queue: string;
  ctx: ApiContext;
}

type Handler = (call: Call, body: Record<string, unknown>) => Promise<unknown>;

const reads: [RegExp, Handler][] = [
  [/^\/api\/session$/, async ({ session, ctx }) => sessionView(session, ctx.access)],
  [/^\/api\/queues$/, async ({ ctx }) => ({ queues: await overview(ctx) })],
  [/^\/api\/queues\/([^/]+)$/, queueDetail],
  [/^\/api\/queues\/([^/]+)\/history$/, queueHistory],
  [/^\/api\/queues\/([^/]+)\/messages$/, browse],
  [/^\/api\/queues\/([^/]+)\/messages\/count$/, count],
  [/^\/api\/queues\/([^/]+)\/messages\/([^/]+)$/, message],
  [/^\/api\/queues\/([^/]+)\/dead-letters$/, deadLetters],
  [/^\/api\/queues\/([^/]+)\/moves$/, moves],
  [/^\/api\/audit$/, audit],
  [/^\/api\/schedules$/, async ({ ctx }) => ctx.schedules.list(ctx.store)],
  [/^\/api\/workers$/, workers],
];

const actions: [RegExp, Handler][] = [
  [/^\/api\/queues\/([^/]+)\/messages$/, sendMessage],
  [/^\/api\/queues\/([^/]+)\/purge$/, purge],
  [/^\/api\/queues\/([^/]+)\/redrive$/, redrive],
  [/^\/api\/queues\/([^/]+)\/moves\/cancel$/, cancelMove],
  [/^\/api\/queues\/([^/]+)\/delete-messages$/, deleteMessages],
  [/^\/api\/schedules\/([^/]+)\/run$/, runSchedule],
];

/** Answers one /api request other than login and logout (index.ts); `session` is already known. */
export async function api(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  params: URLSearchParams,
  session: Session,
  ctx: ApiContext,
): Promise<void> {
  const read = req.method === 'GET' || req.method === 'HEAD';
  if (!read && req.method !== 'POST') throw new DashboardError(405, `${req.method} is not used by this API`);
  for (const [pattern, handler] of read ? reads : actions) {
    const m = pattern.exec(path);
    if (!m) continue;
    if (!read) ctx.access.authorizeAction(req, session);
    const body = read ? {} : await readJson(req);
    const queue = m[1] === undefined ? '' : decodeURIComponent(m[1]);
    const call: Call = { req, res, params, session, queue, ctx };
    if (m[2] !== undefined) params.set('messageId', decodeURIComponent(m[2]));
    sendJson(res, 200, await handler(call, body));
    return;
  }
  throw new DashboardError(404, `no such API path: ${req.method} ${path}`);
}

export const sessionView = (session: Session, access: Access) => ({
  actor: session.actor,
  role: session.role,
  csrf: session.csrf,
  auth: access.requiresLogin,
});

/**
 * Each queue's counts, its DLQ's depth, which queues are dead-letter queues
 * (and of whom), and its recent traffic: per minute, and send → first-receive
 * waits (ms), over about the last five minutes (store.activity).
 */
async function overview({ store, now: clock }: ApiContext) {
  const [stats, activity] = await Promise.all([store.stats(), store.activity()]);
  const now = clock();
  const traffic = new Map(
    activity.map((a) => {
      // At least a minute: a queue seen for seconds does not extrapolate a burst.
      const minutes = Math.max(60_000, now - a.since) / 60_000;
      const rate = (n: number) => Math.round((n / minutes) * 10) / 10;
      return [
        a.name,
        {
          sentPerMinute: rate(a.sent),
          receivedPerMinute: rate(a.received),
          deletedPerMinute: rate(a.deleted),
          waitMs: a.wait,
        },
      ];
    }),
  );
  const byName = new Map(stats.map((s) => [s.name, s]));
  const sources = new Map<string, string[]>();
  for (const s of stats)
    if (s.deadLetterQueue)
      sources.set(s.deadLetterQueue, [...(sources.get(s.deadLetterQueue) ?? []), s.name]);
  return stats.map((s) => {
    const dlq = s.deadLetterQueue ? byName.get(s.deadLetterQueue) : undefined;
    return {
      ...s,
      dlqDepth: dlq ? dlq.visible + dlq.inFlight + dlq.delayed : null,
      deadLetterSources: sources.get(s.name) ?? [],
      // Unknown (null) when the store counts no traffic: an SQS endpoint read through the API.
      ...(traffic.get(s.name) ?? {
        sentPerMinute: null,
        receivedPerMinute: null,
        deletedPerMinute: null,
        waitMs: null,
      }),
    };
  });
}

async function queueUrl({ ctx, queue }: Call): Promise<string> {
  return (await ctx.store.getQueueUrl({ QueueName: queue })).QueueUrl;
}

async function queueDetail(call: Call) {
  const QueueUrl = await queueUrl(call);
  const stats = (await overview(call.ctx)).find((s) => s.name === call.queue);
  const { Attributes = {} } = await call.ctx.store.getQueueAttributes({ QueueUrl, AttributeNames: ['All'] });
  return { queue: stats, attributes: Attributes };
}

/**
 * The workers the server sees, and what each `sluice scale` decided lately:
 * its supervisor runs in its own process, and keeps its last decisions in
 * tags on the first queue it samples (src/scale/decision-tags.ts).
 */
async function workers({ ctx }: Call) {
  return { workers: ctx.workers(), scaling: await scalingDecisions(ctx.store) };
}

const RANGES = new Set<string>(['1h', '24h', '7d', '30d']);

async function queueHistory(call: Call) {
  const range = call.params.get('range') ?? '1h';
  if (!RANGES.has(range)) throw new DashboardError(400, `range must be 1h, 24h, 7d or 30d, got "${range}"`);
  return call.ctx.store.history({ QueueUrl: await queueUrl(call), range: range as HistoryRange });
}

const fields = (params: URLSearchParams) => Object.fromEntries(params);

async function browse(call: Call) {
  const { params } = call;
  const limit = params.get('limit');
  const after = params.get('after');
  return call.ctx.store.browseMessages({
    QueueUrl: await queueUrl(call),
    filter: filterOf(fields(params)),
    ...(limit ? { limit: Number(limit) } : {}),
    ...(after ? { after } : {}),
  });
}

async function count(call: Call) {
  const n = await call.ctx.store.countMessages({
    QueueUrl: await queueUrl(call),
    filter: filterOf(fields(call.params)),
  });
  return { count: n };
}

async function message(call: Call) {
  const messageId = call.params.get('messageId') ?? '';
  const { messages } = await call.ctx.store.browseMessages({
    QueueUrl: await queueUrl(call),
    filter: { messageId },
    limit: 1,
    previewChars: 1_048_576,
  });
  if (!messages[0]) throw new DashboardError(404, `no message ${messageId} in ${call.queue}`);
  return { message: messages[0] };
}

async function deadLetters(call: Call) {
  const QueueUrl = await queueUrl(call);
  const stats = (await overview(call.ctx)).find((s) => s.name === call.queue);
  return {
    groups: await call.ctx.store.deadLetterGroups({ QueueUrl }),
    sources: stats?.deadLetterSources ?? [],
  };
}

async function moves(call: Call) {
  const { Attributes = {} } = await call.ctx.store.getQueueAttributes({
    QueueUrl: await queueUrl(call),
    AttributeNames: ['QueueArn'],
  });
  const arn = Attributes.QueueArn ?? '';
  const { Results } = await call.ctx.store.listMessageMoveTasks({ SourceArn: arn, MaxResults: 10 });
  return { tasks: Results };
}

async function audit(call: Call) {
  const limit = call.params.get('limit');
  const before = call.params.get('before');
  const entries = await call.ctx.store.listAudit({
    ...(limit ? { limit: Number(limit) } : {}),
    ...(before ? { before: Number(before) } : {}),
  });
  return { entries };
}

// ---- actions ------------------------------------------------------------------------------

const record = (call: Call, action: string, count: number | undefined, detail?: Record<string, unknown>) =>
  call.ctx.store.appendAudit({
    actor: call.session.actor,
    action,
    queue: call.queue,
    ...(count === undefined ? {} : { count }),
    ...(detail ? { detail } : {}),
  });

/** Refuses a destructive action unless the body's `confirm` names the queue (the page asks the operator to type it). */
function confirmed(call: Call, body: Record<string, unknown>): void {
  if (body.confirm !== call.queue)
    throw new DashboardError(
      400,
      `to confirm, send "confirm": "${call.queue}" (the queue's name)`,
      'NotConfirmed',
    );
}

function optionalText(body: Record<string, unknown>, name: string): string | undefined {
  const v = body[name];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') throw new DashboardError(400, `${name} must be text`);
  return v;
}

async function sendMessage(call: Call, body: Record<string, unknown>) {
  const QueueUrl = await queueUrl(call);
  if (typeof body.body !== 'string') throw new DashboardError(400, 'body must be the message body, as text');
  const attributes = body.attributes ?? {};
  if (typeof attributes !== 'object' || attributes === null || Array.isArray(attributes))
    throw new DashboardError(400, 'attributes must be an object of name → text');
  const delay =
    body.delaySeconds === undefined || body.delaySeconds === '' ? undefined : Number(body.delaySeconds);
  const group = optionalText(body, 'groupId');
  const dedup = optionalText(body, 'deduplicationId');
  const out = await call.ctx.store.sendMessage({
    QueueUrl,
    MessageBody: body.body,
    ...(delay === undefined ? {} : { DelaySeconds: delay }),
    ...(group ? { MessageGroupId: group } : {}),
    ...(dedup ? { MessageDeduplicationId: dedup } : {}),
    ...(Object.keys(attributes).length
      ? {
          MessageAttributes: Object.fromEntries(
            Object.entries(attributes).map(([k, v]) => [k, { DataType: 'String', StringValue: String(v) }]),
          ),
        }
      : {}),
  });
  await record(call, 'send', 1, { messageId: out.MessageId });
  return { messageId: out.MessageId };
}

async function purge(call: Call, body: Record<string, unknown>) {
  confirmed(call, body);
  const QueueUrl = await queueUrl(call);
  const before = await call.ctx.store.countMessages({ QueueUrl });
  await call.ctx.store.purgeQueue({ QueueUrl });
  await record(call, 'purge', before);
  return { purged: before };
}

function filterBody(body: Record<string, unknown>) {
  const f = body.filter ?? {};
  if (typeof f !== 'object' || f === null || Array.isArray(f))
    throw new DashboardError(400, 'filter must be an object (the fields of GET …/messages)');
  return filterOf(f as Record<string, unknown>);
}

async function redrive(call: Call, body: Record<string, unknown>) {
  const QueueUrl = await queueUrl(call);
  const filter = filterBody(body);
  const to = optionalText(body, 'to');
  const rate = body.rate === undefined || body.rate === '' ? undefined : Number(body.rate);
  const DestinationUrl =
    to === undefined ? undefined : (await call.ctx.store.getQueueUrl({ QueueName: to })).QueueUrl;
  const { TaskHandle, toMove } = await call.ctx.store.moveMessages({
    QueueUrl,
    filter,
    ...(DestinationUrl ? { DestinationUrl } : {}),
    ...(rate === undefined ? {} : { MaxNumberOfMessagesPerSecond: rate }),
  });
  await record(call, 'redrive', toMove, {
    filter,
    to: to ?? 'each message’s source queue',
    ...(rate ? { rate } : {}),
  });
  return { taskHandle: TaskHandle, toMove };
}

async function cancelMove(call: Call, body: Record<string, unknown>) {
  const TaskHandle = optionalText(body, 'taskHandle');
  if (!TaskHandle) throw new DashboardError(400, 'taskHandle is required');
  const { ApproximateNumberOfMessagesMoved } = await call.ctx.store.cancelMessageMoveTask({ TaskHandle });
  await record(call, 'cancel-redrive', ApproximateNumberOfMessagesMoved);
  return { moved: ApproximateNumberOfMessagesMoved };
}

async function deleteMessages(call: Call, body: Record<string, unknown>) {
  confirmed(call, body);
  const QueueUrl = await queueUrl(call);
  const filter = filterBody(body);
  const deleted = await call.ctx.store.deleteMessages({ QueueUrl, filter });
  await record(call, 'delete-messages', deleted, { filter });
  return { deleted };
}

/** Runs a schedule now; `call.queue` is the schedule's name here (the path's one parameter). */
async function runSchedule(call: Call) {
  const board = call.ctx.schedules;
  const name = call.queue;
  if (!board.running)
    throw new DashboardError(
      409,
      'this server runs no schedules (they run in sluice dev or sluice start)',
      'NoScheduler',
    );
  if (!board.has(name)) throw new DashboardError(404, `no schedule named ${name}`);
  const { messageId, queue } = await board.runNow(name, call.ctx.now());
  await call.ctx.store.appendAudit({
    actor: call.session.actor,
    action: 'run-schedule',
    queue,
    count: 1,
    detail: { schedule: name, messageId },
  });
  return { messageId, queue };
}
