/**
 * `sluice dashboard`: the operator's dashboard for any SQS endpoint.
 *
 *   sluice dashboard [--endpoint URL] [--region R] [--host 127.0.0.1] [--port 9325]
 *                    [--cloudwatch-endpoint URL]
 *
 * Serves the dashboard (src/dashboard/) on its own port, reading the queues
 * through the SQS API: `--endpoint` (or SLUICE_ENDPOINT), else Amazon SQS in
 * the region. Counts are SQS's (GetQueueAttributes); the age of the oldest
 * message comes from a sluice server's GET /stats, or on Amazon SQS from
 * CloudWatch (ApproximateAgeOfOldestMessage, the scaler's reader; it needs
 * cloudwatch:GetMetricData), or from `--cloudwatch-endpoint` (LocalStack). Sending and purging work; pages that need
 * sluice's store (message browser, dead-letter triage, history, workers,
 * schedules) say so. It answers this machine only (loopback, as `sluice
 * server` without --auth); the audit log lasts as long as the process.
 * SIGTERM/SIGINT close it.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { defineCommand } from 'citty';
import { awsClient } from '../client/aws.ts';
import { onStopSignal } from '../config/until-signal.ts';
import { createDashboard, isDashboardPath } from '../dashboard/index.ts';
import { remoteStore } from '../dashboard/remote-store.ts';
import { cloudWatchAges } from '../scale/cloudwatch-age.ts';
import { connectionArgs, connectionOf, targetOf } from './common/connection.ts';

export interface DashboardConfig {
  readonly host: string;
  readonly port: number;
  readonly endpoint?: string;
  readonly region?: string;
  /** A CloudWatch-compatible endpoint for the ages (LocalStack); unset: Amazon CloudWatch, over Amazon SQS only. */
  readonly cloudWatchEndpoint?: string;
}

/** Options and environment, checked once; a bad value is refused with its name. */
export function dashboardConfig(args: Record<string, unknown>, env: NodeJS.ProcessEnv): DashboardConfig {
  const connection = connectionOf(args, env);
  const host = String(args.host ?? '127.0.0.1');
  if (!['127.0.0.1', 'localhost', '::1'].includes(host))
    throw new Error(
      `--host must be a loopback address (127.0.0.1, localhost, ::1): this dashboard has no login, got "${host}"`,
    );
  const portText = String(args.port ?? '9325');
  if (!/^\d+$/.test(portText) || Number(portText) > 65535)
    throw new Error(`--port must be an integer 0–65535, got "${portText}"`);
  const cw = args['cloudwatch-endpoint'];
  if (cw !== undefined && (typeof cw !== 'string' || !/^https?:\/\/[^/\s]+\/?$/.test(cw)))
    throw new Error(`--cloudwatch-endpoint must be a URL like http://127.0.0.1:4566, got "${String(cw)}"`);
  return Object.freeze({
    host,
    port: Number(portText),
    ...(typeof cw === 'string' ? { cloudWatchEndpoint: cw } : {}),
    ...(connection.endpoint ? { endpoint: connection.endpoint } : {}),
    ...(connection.region ? { region: connection.region } : {}),
  });
}

export interface RunningDashboard {
  url: string;
  close(): Promise<void>;
}

/**
 * @example
 * const d = await serveDashboard({ host: '127.0.0.1', port: 0, endpoint: 'http://127.0.0.1:9324', region: 'us-east-1' });
 * console.log(`${d.url}/dashboard`);
 * await d.close();
 */
export async function serveDashboard(config: DashboardConfig): Promise<RunningDashboard> {
  const client = awsClient({
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    ...(config.region ? { region: config.region } : {}),
  });
  // Ages: a sluice endpoint answers GET /stats; Amazon SQS (or LocalStack) has them in CloudWatch.
  const cloudWatch =
    config.endpoint && !config.cloudWatchEndpoint
      ? undefined
      : cloudWatchAges({
          ...(config.region ? { region: config.region } : {}),
          ...(config.cloudWatchEndpoint ? { endpoint: config.cloudWatchEndpoint } : {}),
        });
  const store = remoteStore({
    client,
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    ...(cloudWatch ? { cloudWatch } : {}),
    ...(config.region ? { region: config.region } : {}),
    now: Date.now,
  });
  const dashboard = createDashboard({
    store,
    log: (line) => process.stderr.write(`${line}\n`),
    now: Date.now,
    remote: targetOf({ ...config, json: false }),
  });
  const server = createServer((req, res) => {
    const raw = req.url ?? '/';
    const q = raw.indexOf('?');
    const path = q < 0 ? raw : raw.slice(0, q);
    if (path === '/') {
      res.writeHead(303, { location: '/dashboard' }).end();
      return;
    }
    if (!isDashboardPath(path)) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: the dashboard is at /dashboard\n');
      return;
    }
    dashboard(req, res, path, q < 0 ? '' : raw.slice(q + 1)).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  return {
    url,
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      cloudWatch?.close();
      await client.close();
    },
  };
}

export default defineCommand({
  meta: { name: 'dashboard', description: 'The operator’s dashboard for any SQS endpoint (or Amazon SQS)' },
  args: {
    endpoint: connectionArgs.endpoint,
    region: connectionArgs.region,
    host: { type: 'string', description: 'Loopback address to bind', default: '127.0.0.1' },
    port: { type: 'string', description: 'Port (0 picks one)', default: '9325' },
    'cloudwatch-endpoint': {
      type: 'string',
      description:
        'CloudWatch endpoint for the age of the oldest message (LocalStack); default Amazon CloudWatch',
    },
  },
  async run({ args }) {
    const config = dashboardConfig(args, process.env);
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    const running = await serveDashboard(config);
    process.stderr.write(
      `sluice dashboard: ${running.url}/dashboard  reading ${targetOf({ ...config, json: false })}\n`,
    );
    await new Promise<void>((resolve) => {
      const stop = onStopSignal(() => {
        stop();
        resolve();
      });
    });
    await running.close();
  },
});
