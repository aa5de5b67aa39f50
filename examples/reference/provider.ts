/**
 * A local stand-in for a delivery provider (APNs/FCM, a chat gateway): each
 * call takes a realistic 20–80 ms and fails now and then (2% by default), so
 * retries and the dead-letter queue are visible. A recipient named "poison"
 * always fails: send one to watch a message walk to the DLQ.
 */
export interface ProviderOptions {
  name: string;
  minLatencyMs?: number;
  maxLatencyMs?: number;
  failureRate?: number;
  random?: () => number;
}

export class ProviderError extends Error {
  override readonly name = 'ProviderError';
}

export interface Provider {
  deliver(to: string, payload: unknown, signal?: AbortSignal): Promise<{ id: string; latencyMs: number }>;
}

/**
 * @example
 * const apns = providerStub({ name: 'apns' });
 * await apns.deliver('device-1', { title: 'hi' });
 */
export function providerStub(options: ProviderOptions): Provider {
  const { name, minLatencyMs = 20, maxLatencyMs = 80, failureRate = 0.02, random = Math.random } = options;
  let sequence = 0;
  return {
    async deliver(to, _payload, signal) {
      const latencyMs = Math.round(minLatencyMs + random() * (maxLatencyMs - minLatencyMs));
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(resolve, latencyMs);
        signal?.addEventListener(
          'abort',
          () => {
            clearTimeout(timer);
            reject(new ProviderError(`${name}: cancelled`));
          },
          { once: true },
        );
      });
      if (to === 'poison') throw new ProviderError(`${name}: recipient "${to}" rejected (poison message)`);
      if (random() < failureRate) throw new ProviderError(`${name}: 503 Service Unavailable`);
      sequence += 1;
      return { id: `${name}-${sequence}`, latencyMs };
    },
  };
}
