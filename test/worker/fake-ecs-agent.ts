/**
 * A stand-in for the ECS agent's task scale-in protection endpoint: a real
 * HTTP server on 127.0.0.1 that records every request and answers in the
 * shapes AWS documents ("Task scale-in protection endpoint", Amazon ECS
 * Developer Guide), checking a PUT's body as the agent does (ProtectionEnabled
 * required, unknown fields refused).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../../src/time/clock.ts';

export const CONTAINER_ID = '0123456789abcdef0123456789abcdef-1234567890';
export const TASK_ARN = 'arn:aws:ecs:us-west-2:111122223333:task/my-cluster/0123456789abcdef0123456789abcdef';

export interface AgentRequest {
  method: string;
  path: string;
  contentType: string | undefined;
  /** The body as sent. */
  raw: string;
  /** When it arrived, on the test's clock. */
  at: number;
}

export interface Answer {
  status: number;
  body: unknown;
}

/** What the agent answers a PUT it accepted: a protected task's state, or one of the documented problems. */
export const answers = {
  protection(enabled: boolean, clock: Clock, minutes = 120): Answer {
    const expiration = enabled ? new Date(clock.now() + minutes * 60_000).toISOString() : null;
    return {
      status: 200,
      body: { protection: { ExpirationDate: expiration, ProtectionEnabled: enabled, TaskArn: TASK_ARN } },
    };
  },
  /** ECS's failure for a task outside a service (the agent answers it with 200). */
  taskNotValid: {
    status: 200,
    body: { failure: { Arn: TASK_ARN, Detail: null, Reason: 'TASK_NOT_VALID' } },
  },
  accessDenied: {
    status: 400,
    body: {
      requestID: '12345-abc-6789-0123-abc',
      error: {
        Arn: TASK_ARN,
        Code: 'AccessDeniedException',
        Message: `User: arn:aws:sts::111122223333:assumed-role/my-ecs-task-role/0123 is not authorized to perform: ecs:UpdateTaskProtection on resource: ${TASK_ARN} because no identity-based policy allows the ecs:UpdateTaskProtection action`,
      },
    },
  },
  throttled: {
    status: 400,
    body: {
      requestID: '12345-abc-6789-0123-abd',
      error: { Arn: TASK_ARN, Code: 'ThrottlingException', Message: 'Rate exceeded' },
    },
  },
} satisfies Record<string, Answer | ((...args: never[]) => Answer)>;

export interface FakeAgent {
  /** What ECS_AGENT_URI would be: `http://127.0.0.1:PORT/api/CONTAINER_ID`. */
  readonly uri: string;
  readonly requests: AgentRequest[];
  /** The PUT bodies, parsed, in order. */
  puts(): unknown[];
  /** How the next accepted PUTs are answered (default: the state asked for, protected or not). */
  answer: ((body: { ProtectionEnabled: boolean; ExpiresInMinutes?: number }) => Answer) | undefined;
  close(): Promise<void>;
}

const PATH = `/api/${CONTAINER_ID}/task-protection/v1/state`;

function send(res: ServerResponse, { status, body }: Answer): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

const invalid = (message: string, arn = ''): Answer => ({
  status: 400,
  body: { error: { ...(arn ? { Arn: arn } : {}), Code: 'InvalidParameterException', Message: message } },
});

/** Checks a PUT body as the agent decodes it: ProtectionEnabled required, nothing unknown. */
function check(raw: string): Answer | { ProtectionEnabled: boolean; ExpiresInMinutes?: number } {
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return invalid('UpdateTaskProtection: failed to decode request');
  }
  if (body === null || typeof body !== 'object')
    return invalid('UpdateTaskProtection: failed to decode request');
  const fields = body as Record<string, unknown>;
  const known = Object.keys(fields).every((k) => k === 'ProtectionEnabled' || k === 'ExpiresInMinutes');
  if (!known) return invalid('UpdateTaskProtection: failed to decode request');
  if (typeof fields.ProtectionEnabled !== 'boolean')
    return invalid("Invalid request: does not contain 'ProtectionEnabled' field", TASK_ARN);
  const minutes = fields.ExpiresInMinutes;
  if (
    minutes !== undefined &&
    !(Number.isInteger(minutes) && Number(minutes) >= 1 && Number(minutes) <= 2880)
  )
    return invalid('expiresInMinutes must be between 1 and 2880', TASK_ARN);
  return fields as { ProtectionEnabled: boolean; ExpiresInMinutes?: number };
}

/**
 * Starts the fake agent.
 *
 * @example
 * const agent = await startFakeAgent(clock);
 * const env = { ECS_AGENT_URI: agent.uri };
 */
export async function startFakeAgent(clock: Clock): Promise<FakeAgent> {
  const requests: AgentRequest[] = [];
  let state = answers.protection(false, clock);
  const agent: FakeAgent = {
    uri: '',
    requests,
    puts: () => requests.filter((r) => r.method === 'PUT').map((r) => JSON.parse(r.raw)),
    answer: undefined,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      requests.push({
        method: req.method ?? '',
        path: req.url ?? '',
        contentType: req.headers['content-type'],
        raw,
        at: clock.now(),
      });
      if (req.url !== PATH) return send(res, { status: 404, body: { error: 'not found' } });
      if (req.method === 'GET') return send(res, state);
      if (req.method !== 'PUT') return send(res, { status: 405, body: {} });
      const body = check(raw);
      if ('status' in body) return send(res, body);
      const answer =
        agent.answer?.(body) ?? answers.protection(body.ProtectionEnabled, clock, body.ExpiresInMinutes);
      if (answer.status === 200 && (answer.body as { protection?: unknown }).protection) state = answer;
      send(res, answer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  Object.assign(agent, { uri: `http://127.0.0.1:${port}/api/${CONTAINER_ID}` });
  return agent;
}
