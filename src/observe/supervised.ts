/**
 * A worker process's side of `sluice scale`: when the supervisor forked it
 * (an IPC channel and SLUICE_SUPERVISED=1), it reports its resident memory
 * and message counts every SLUICE_REPORT_INTERVAL_MS (default 1000) and once
 * more as it stops, and answers metric requests with its registry as JSON,
 * which the supervisor merges into one /metrics (prom-client's
 * AggregatorRegistry). Outside a supervisor this does nothing.
 *
 * The channel never keeps the worker alive: it is unref'd, and `stop()`
 * sends the final report and disconnects. If the supervisor goes away (killed,
 * crashed: the channel closes), `onOrphaned` is called — the worker drains and
 * exits rather than run on unmanaged.
 */
import type { Registry } from 'prom-client';
import type { StatsLine } from './stats-line.ts';

/** Child → supervisor: counts are cumulative for this process. */
export interface ReportMessage {
  readonly sluice: 'report';
  readonly rssBytes: number;
  readonly processed: number;
  readonly failed: number;
  readonly final: boolean;
}

/** Supervisor → child, and the child's answer with the same `id`. */
export interface MetricsRequest {
  readonly sluice: 'metrics?';
  readonly id: number;
}
export interface MetricsAnswer {
  readonly sluice: 'metrics';
  readonly id: number;
  readonly metrics: unknown[];
}

export const isReport = (m: unknown): m is ReportMessage => (m as ReportMessage | null)?.sluice === 'report';
export const isMetricsAnswer = (m: unknown): m is MetricsAnswer =>
  (m as MetricsAnswer | null)?.sluice === 'metrics';
const isMetricsRequest = (m: unknown): m is MetricsRequest =>
  (m as MetricsRequest | null)?.sluice === 'metrics?';

/**
 * Starts reporting when supervised; returns `stop`, which sends the final
 * report and lets go of the channel.
 *
 * @example
 * const stopReporting = reportToSupervisor({ registry, stats });
 * // … on shutdown, after the workers drained:
 * await stopReporting();
 */
export function reportToSupervisor(options: {
  registry: Registry;
  stats: StatsLine;
  env?: NodeJS.ProcessEnv;
  onOrphaned?: () => void;
}): () => Promise<void> {
  const env = options.env ?? process.env;
  const send = process.send?.bind(process);
  if (!send || env.SLUICE_SUPERVISED !== '1') return async () => {};
  const interval = Number(env.SLUICE_REPORT_INTERVAL_MS) > 0 ? Number(env.SLUICE_REPORT_INTERVAL_MS) : 1000;
  const report = (final: boolean) => {
    const { messagesProcessed, messagesFailed } = options.stats.snapshot();
    const message: ReportMessage = {
      sluice: 'report',
      rssBytes: process.memoryUsage.rss(),
      processed: messagesProcessed,
      failed: messagesFailed,
      final,
    };
    return new Promise<void>((resolve) => {
      // A closed channel (the supervisor died) is not the worker's failure.
      if (!process.connected) return resolve();
      send(message, undefined, {}, () => resolve());
    });
  };
  const onMessage = (m: unknown) => {
    if (!isMetricsRequest(m)) return;
    options.registry
      .getMetricsAsJSON()
      .then((metrics) => {
        if (process.connected) send({ sluice: 'metrics', id: m.id, metrics } satisfies MetricsAnswer);
      })
      .catch(() => {});
  };
  let stopping = false;
  const onDisconnect = () => {
    if (!stopping) options.onOrphaned?.();
  };
  process.on('message', onMessage);
  process.once('disconnect', onDisconnect);
  process.channel?.unref();
  void report(false);
  const timer = setInterval(() => void report(false), interval);
  timer.unref();
  return async () => {
    stopping = true;
    clearInterval(timer);
    process.off('message', onMessage);
    process.off('disconnect', onDisconnect);
    await report(true);
    if (process.connected) process.disconnect();
  };
}
