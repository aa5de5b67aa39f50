/**
 * `sluice health [URL]`: the probe behind the container image's HEALTHCHECK
 * (an image has node, not curl). Exits 0 when a health URL answers 2xx and
 * says which; 1 otherwise, with each URL's answer.
 *
 *   sluice health http://127.0.0.1:9324/health
 *   sluice health        # SLUICE_HEALTH_URL, else the server's and the worker's defaults
 *
 * One image runs both roles, so without a URL it asks both: `sluice server`
 * on 127.0.0.1:9324 and a worker on WORKER_HEALTH_PORT (3003), whichever
 * answers. On a container's own network only the role running there can
 * answer; with `--network host` (or a server on another port) set
 * SLUICE_HEALTH_URL, lest another process on the host answer for it.
 */
import { defineCommand } from 'citty';

/** The URLs a probe asks, in order. */
export function healthUrls(url: string | undefined, env: NodeJS.ProcessEnv): string[] {
  if (url !== undefined) return [url];
  if (env.SLUICE_HEALTH_URL) return [env.SLUICE_HEALTH_URL];
  const workerPort = env.WORKER_HEALTH_PORT || '3003';
  return [
    'http://127.0.0.1:9324/health',
    // Port 0 is a port picked at start: nothing to ask.
    ...(workerPort === '0' ? [] : [`http://127.0.0.1:${workerPort}/health`]),
  ];
}

/** Null when the URL answered 2xx, else why not. */
async function probe(url: string, timeoutMs: number): Promise<string | null> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await res.body?.cancel();
    return res.ok ? null : `HTTP ${res.status}`;
  } catch (e) {
    const cause = e instanceof Error && e.cause instanceof Error ? e.cause : e;
    return cause instanceof Error ? cause.message : String(cause);
  }
}

export default defineCommand({
  meta: { name: 'health', description: 'Exit 0 if a sluice server or worker answers its /health' },
  args: {
    url: {
      type: 'positional',
      required: false,
      description:
        'URL to probe (default SLUICE_HEALTH_URL, else :9324/health and :WORKER_HEALTH_PORT/health)',
    },
    timeout: { type: 'string', description: 'Seconds to wait for an answer', default: '3' },
  },
  async run({ args }) {
    const seconds = Number(args.timeout);
    if (!(seconds > 0))
      throw new Error(`--timeout must be a number of seconds above 0, got "${args.timeout}"`);
    const urls = healthUrls(typeof args.url === 'string' ? args.url : undefined, process.env);
    const answers = await Promise.all(urls.map((u) => probe(u, seconds * 1000)));
    const healthy = urls.find((_, i) => answers[i] === null);
    if (healthy !== undefined) {
      process.stdout.write(`healthy: ${healthy}\n`);
      return;
    }
    throw new Error(`not healthy: ${urls.map((u, i) => `${u} (${answers[i]})`).join(', ')}`);
  },
});
