/**
 * How an operator's command reaches its queues: `--endpoint` (or
 * SLUICE_ENDPOINT; unset: Amazon SQS), `--region` (or AWS_REGION; us-east-1
 * for an endpoint), and `--json`. Parsed once per command into a frozen
 * object; the environment is not read after that.
 */
import type { QueueClient } from '../../client/index.ts';
import { isSqsError } from '../../sqs/errors.ts';

export const connectionArgs = {
  endpoint: {
    type: 'string',
    description: 'SQS endpoint, e.g. http://127.0.0.1:9324 (default SLUICE_ENDPOINT; unset: Amazon SQS)',
  },
  region: { type: 'string', description: 'AWS region (default AWS_REGION; us-east-1 with an endpoint)' },
  json: { type: 'boolean', description: 'Print JSON for scripts instead of a table' },
} as const;

export interface Connection {
  readonly endpoint?: string;
  readonly region?: string;
  readonly json: boolean;
}

type Args = Record<string, unknown>;

/** The connection an invocation asks for; throws naming the bad option. */
export function connectionOf(args: Args, env: NodeJS.ProcessEnv): Connection {
  const endpoint = typeof args.endpoint === 'string' ? args.endpoint : env.SLUICE_ENDPOINT || undefined;
  const from = typeof args.endpoint === 'string' ? '--endpoint' : 'SLUICE_ENDPOINT';
  if (endpoint !== undefined && !/^https?:\/\/[^/\s]+\/?$/.test(endpoint))
    throw new Error(`${from} must be a URL like http://127.0.0.1:9324, got "${endpoint}"`);
  const region =
    (typeof args.region === 'string' ? args.region : env.AWS_REGION || env.AWS_DEFAULT_REGION) ||
    (endpoint ? 'us-east-1' : undefined);
  if (region !== undefined && !/^[a-z][a-z0-9-]*$/.test(region))
    throw new Error(`--region must be an AWS region like us-east-1, got "${region}"`);
  return Object.freeze({
    ...(endpoint ? { endpoint: endpoint.replace(/\/$/, '') } : {}),
    ...(region ? { region } : {}),
    json: args.json === true,
  });
}

/**
 * Where a connection goes, for people: `endpoint http://127.0.0.1:9324 (region
 * us-east-1)` or `Amazon SQS (region eu-west-1)`; without a region, the SDK
 * takes the one of the AWS profile.
 */
export function targetOf(connection: Connection): string {
  const region = connection.region ?? 'of the AWS profile';
  return connection.endpoint
    ? `endpoint ${connection.endpoint} (region ${region})`
    : `Amazon SQS (region ${region})`;
}

/**
 * Whether the endpoint is this machine (host localhost, 127.0.0.0/8 or ::1):
 * a developer's own server, where a destructive command need not ask.
 */
export function isLocal(connection: Connection): boolean {
  if (!connection.endpoint) return false;
  const host = new URL(connection.endpoint).hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return (
    host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host)
  );
}

/** One line for anything a command can fail with: SQS's wording, or what a network error means. */
export function reasonOf(e: unknown, connection: Connection): string {
  if (isSqsError(e)) return e.message;
  const code = (e as { code?: unknown } | undefined)?.code;
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'ECONNRESET')
    return `cannot reach ${connection.endpoint ?? 'Amazon SQS'} (${code})`;
  const message = e instanceof Error ? e.message || e.name : String(e);
  if (message === 'Region is missing')
    return 'no AWS region: set --region or AWS_REGION (or --endpoint / SLUICE_ENDPOINT for a sluice server)';
  return message.split('\n')[0] ?? message;
}

export interface WithClientOptions {
  /**
   * Name the target on stderr before acting (`sluice: endpoint … (region …)`),
   * so that an unset SLUICE_ENDPOINT cannot send a command to Amazon SQS
   * unnoticed: 'always' for a command that changes queues or messages,
   * 'table' for one that only reads (a script's `--json` run is left quiet).
   */
  announce?: 'always' | 'table';
}

/**
 * Runs `body` with a client for the invocation's connection, closes it, and
 * turns any failure into one line (an Error whose message main.ts prints).
 */
export async function withClient<T>(
  args: Args,
  body: (client: QueueClient, connection: Connection) => Promise<T>,
  options: WithClientOptions = {},
): Promise<T> {
  const connection = connectionOf(args, process.env);
  if (options.announce === 'always' || (options.announce === 'table' && !connection.json))
    process.stderr.write(`sluice: ${targetOf(connection)}\n`);
  // On Node 20 the SDK warns on stderr that its 2027 releases need Node 22; an
  // operator's command keeps stderr to its one-line reason (sluice supports 20).
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  // Loaded when a command talks to a queue, not before: the AWS SDK is most of a cold start.
  const { createClient } = await import('../../client/index.ts');
  const client = createClient({
    ...(connection.endpoint ? { endpoint: connection.endpoint } : {}),
    ...(connection.region ? { region: connection.region } : {}),
  });
  try {
    return await body(client, connection);
  } catch (e) {
    throw new Error(reasonOf(e, connection), { cause: e });
  } finally {
    await client.close();
  }
}
