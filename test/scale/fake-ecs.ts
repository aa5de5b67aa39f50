import type { IncomingMessage, ServerResponse } from 'node:http';
import { fakeEndpoint } from './fake-endpoint.ts';

/**
 * A small ECS endpoint speaking AWS JSON 1.1 for DescribeServices and
 * UpdateService: it keeps each service's desiredCount and records every
 * request, so the real @aws-sdk/client-ecs is tested over real HTTP.
 */
export function fakeEcs() {
  const prefix = 'AmazonEC2ContainerServiceV20141113.';
  const arn = (cluster: string, service: string) =>
    `arn:aws:ecs:us-east-1:000000000000:service/${cluster}/${service}`;
  const services = new Map<string, number>([['prod/push-worker', 2]]);
  const requests: { action: string; body: Record<string, unknown> }[] = [];
  const reply = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
    res.end(JSON.stringify(body));
  };
  const describe = (cluster: string, name: string) => ({
    serviceName: name,
    serviceArn: arn(cluster, name),
    status: 'ACTIVE',
    desiredCount: services.get(`${cluster}/${name}`),
    runningCount: services.get(`${cluster}/${name}`),
    pendingCount: 0,
  });
  const handle = (req: IncomingMessage, res: ServerResponse, raw: string) => {
    const target = String(req.headers['x-amz-target'] ?? '');
    const action = target.startsWith(prefix) ? target.slice(prefix.length) : target;
    const body = JSON.parse(raw || '{}') as Record<string, unknown>;
    requests.push({ action, body });
    const cluster = String(body.cluster ?? 'default');
    if (action === 'DescribeServices') {
      const names = body.services as string[];
      const found = names.filter((n) => services.has(`${cluster}/${n}`));
      const missing = names.filter((n) => !services.has(`${cluster}/${n}`));
      return reply(res, 200, {
        services: found.map((n) => describe(cluster, n)),
        failures: missing.map((n) => ({ arn: arn(cluster, n), reason: 'MISSING' })),
      });
    }
    if (action === 'UpdateService') {
      const name = String(body.service);
      if (!services.has(`${cluster}/${name}`)) {
        return reply(res, 400, { __type: 'ServiceNotFoundException', message: 'Service not found.' });
      }
      services.set(`${cluster}/${name}`, Number(body.desiredCount));
      return reply(res, 200, { service: describe(cluster, name) });
    }
    return reply(res, 400, { __type: 'UnknownOperationException', message: `unknown ${target}` });
  };
  const endpoint = fakeEndpoint(handle);
  return {
    services,
    requests,
    start: endpoint.start,
    close: endpoint.close,
  };
}
