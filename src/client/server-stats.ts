/**
 * A sluice server's GET /stats, read by name. Amazon SQS publishes the age of
 * the oldest message only as a CloudWatch metric, not over the SQS API; a
 * sluice server offers it (with the counts) at GET /stats. Anything that is
 * not a sluice server, or is out of reach, gives an empty map: ages unknown.
 */

/**
 * Oldest-message ages in seconds, by queue name, from `endpoint`'s GET /stats.
 *
 * @example
 * const ages = await oldestAges('http://127.0.0.1:9324');
 * ages.get('emails'); // 12, or undefined
 */
export async function oldestAges(
  endpoint: string | undefined,
  timeoutMs = 2000,
): Promise<Map<string, number>> {
  if (!endpoint) return new Map();
  try {
    const res = await fetch(new URL('/stats', endpoint), { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) return new Map();
    const body = (await res.json()) as { queues?: { name?: unknown; oldestAgeSeconds?: unknown }[] };
    return new Map(
      (body.queues ?? [])
        .filter((q) => typeof q.name === 'string' && typeof q.oldestAgeSeconds === 'number')
        .map((q) => [q.name as string, q.oldestAgeSeconds as number]),
    );
  } catch {
    return new Map(); // not a sluice server, or out of reach: ages stay unknown
  }
}
