import type { IncomingMessage, ServerResponse } from 'node:http';
import { fakeEndpoint } from './fake-endpoint.ts';

/** One datapoint of a queue's ApproximateAgeOfOldestMessage: epoch milliseconds, seconds of age. */
export interface Datapoint {
  readonly timestamp: number;
  readonly value: number;
}

/** An error response in AWS JSON 1.0 with the awsQueryCompatible header CloudWatch sends. */
export interface FakeError {
  readonly status: number;
  /** The `__type` in the body, e.g. `com.amazon.coral.service#AccessDeniedException`. */
  readonly type: string;
  /** `x-amzn-query-error`, e.g. `AccessDenied;Sender` (the code the SDK then reports). */
  readonly queryError?: string;
  readonly message: string;
}

interface Query {
  Id: string;
  Label?: string;
  MetricStat: {
    Metric: { Namespace: string; MetricName: string; Dimensions: { Name: string; Value: string }[] };
    Period: number;
    Stat: string;
  };
}

/**
 * A small CloudWatch endpoint for GetMetricData, speaking what
 * @aws-sdk/client-cloudwatch 3.1164.0 speaks: AWS JSON 1.0 (POST /,
 * `x-amz-target: GraniteServiceVersion20100801.GetMetricData`, timestamps as
 * epoch seconds) in awsQueryCompatible mode. It answers each
 * ApproximateAgeOfOldestMessage query from `datapoints` (queue name → points),
 * keeping the points inside [StartTime, EndTime) in the order ScanBy asks for,
 * and records every request, so the real SDK client is tested over real HTTP.
 */
export function fakeCloudWatch() {
  const prefix = 'GraniteServiceVersion20100801.';
  const datapoints = new Map<string, Datapoint[]>();
  /** Per-queue StatusCode and Messages to answer instead of data (e.g. Forbidden). */
  const statuses = new Map<string, { code: string; messages: { Code: string; Value: string }[] }>();
  const requests: { action: string; headers: IncomingMessage['headers']; body: Record<string, unknown> }[] =
    [];
  const state: { fail: FakeError | undefined } = { fail: undefined };

  const reply = (
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ) => {
    res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', ...headers });
    res.end(JSON.stringify(body));
  };
  const getMetricData = (body: Record<string, unknown>) => {
    const start = Number(body.StartTime) * 1000;
    const end = Number(body.EndTime) * 1000;
    const ascending = body.ScanBy === 'TimestampAscending';
    const results = (body.MetricDataQueries as Query[]).map((q) => {
      const metric = q.MetricStat.Metric;
      const queue = metric.Dimensions.find((d) => d.Name === 'QueueName')?.Value ?? '';
      const status = statuses.get(queue);
      if (status) {
        return {
          Id: q.Id,
          Label: q.Label,
          Timestamps: [],
          Values: [],
          StatusCode: status.code,
          Messages: status.messages,
        };
      }
      const known = metric.Namespace === 'AWS/SQS' && metric.MetricName === 'ApproximateAgeOfOldestMessage';
      const points = (known ? (datapoints.get(queue) ?? []) : [])
        .filter((p) => p.timestamp >= start && p.timestamp < end)
        .sort((a, b) => (ascending ? a.timestamp - b.timestamp : b.timestamp - a.timestamp));
      return {
        Id: q.Id,
        Label: q.Label ?? metric.MetricName,
        Timestamps: points.map((p) => p.timestamp / 1000),
        Values: points.map((p) => p.value),
        StatusCode: 'Complete',
      };
    });
    return { MetricDataResults: results, Messages: [] };
  };
  const handle = (req: IncomingMessage, res: ServerResponse, raw: string) => {
    const target = String(req.headers['x-amz-target'] ?? '');
    const action = target.startsWith(prefix) ? target.slice(prefix.length) : target;
    const body = JSON.parse(raw || '{}') as Record<string, unknown>;
    requests.push({ action, headers: req.headers, body });
    const fail = state.fail;
    if (fail) {
      const headers: Record<string, string> = fail.queryError
        ? { 'x-amzn-query-error': fail.queryError }
        : {};
      return reply(res, fail.status, { __type: fail.type, message: fail.message }, headers);
    }
    if (action === 'GetMetricData') return reply(res, 200, getMetricData(body));
    return reply(
      res,
      400,
      { __type: 'com.amazon.coral.service#UnknownOperationException', message: `unknown ${target}` },
      { 'x-amzn-query-error': 'UnknownOperation;Sender' },
    );
  };
  const endpoint = fakeEndpoint(handle);
  return {
    datapoints,
    statuses,
    requests,
    /** Answer every request with this error until set back to undefined. */
    failWith(error: FakeError | undefined) {
      state.fail = error;
    },
    start: endpoint.start,
    close: endpoint.close,
  };
}
