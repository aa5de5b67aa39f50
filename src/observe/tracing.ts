/**
 * OpenTelemetry across the queue, when the application has `@opentelemetry/api`.
 * It is an optional peer dependency: loaded on first use (`loadTracing`), and
 * without it every function here is a no-op. Nothing in sluice's public types
 * mentions it, so the package type-checks without it.
 *
 * A trace crosses the queue in the message: the producer's span context rides
 * in the `AWSTraceHeader` system attribute (X-Ray's header, which Amazon SQS
 * itself fills from `X-Amzn-Trace-Id`), or in message attributes that the
 * application's propagator reads (`traceparent`, as OpenTelemetry's AWS SDK
 * instrumentation injects it). X-Ray and W3C ids are the same numbers:
 * `Root=1-{8 hex}-{24 hex}` is the 32-hex trace id, `Parent` the span id.
 *
 * - Producers: `sending()` runs a send in a PRODUCER span `send <queue>` and
 *   hands it the header that continues it; `activeTraceHeader()` is the
 *   current span as a header.
 * - Consumers: `processing()` starts a CONSUMER span `process <queue>` for a
 *   message, child of the producer's span (the trace continues) and linked to
 *   it; `processingBatch()` one span for a batch handler, linking every
 *   producer, with a span per message under it.
 */
import { createRequire } from 'node:module';
import type * as OTel from '@opentelemetry/api';
import type { MessageAttributeMap } from '../sqs/types.ts';

/** A span's identity, in W3C's form: 32 and 16 lower-case hex digits. */
export interface TraceIds {
  traceId: string;
  spanId: string;
  sampled: boolean;
}

/**
 * The X-Ray trace header for a span.
 * @example xrayHeader({ traceId: '5759e988bd862e3fe1be46a994272793', spanId: '53995c3f42cd8ad8', sampled: true });
 * // 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1'
 */
export function xrayHeader({ traceId, spanId, sampled }: TraceIds): string {
  return `Root=1-${traceId.slice(0, 8)}-${traceId.slice(8)};Parent=${spanId};Sampled=${sampled ? 1 : 0}`;
}

/**
 * The span an X-Ray trace header names; undefined without a Root and Parent.
 * @example parseXrayHeader('Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1')?.spanId; // '53995c3f42cd8ad8'
 */
export function parseXrayHeader(header: string | undefined): TraceIds | undefined {
  if (!header) return undefined;
  const fields = new Map(
    header.split(';').map((part) => {
      const eq = part.indexOf('=');
      return [part.slice(0, eq).trim(), part.slice(eq + 1).trim()] as const;
    }),
  );
  const root = /^1-([0-9a-f]{8})-([0-9a-f]{24})$/i.exec(fields.get('Root') ?? '');
  const parent = fields.get('Parent') ?? '';
  if (!root || !/^[0-9a-f]{16}$/i.test(parent)) return undefined;
  const ids = { traceId: `${root[1]}${root[2]}`.toLowerCase(), spanId: parent.toLowerCase() };
  return valid(ids) ? { ...ids, sampled: fields.get('Sampled') === '1' } : undefined;
}

/**
 * The span a W3C `traceparent` names (as in the TRACEPARENT environment variable); undefined if malformed.
 * @example parseTraceparent('00-5759e988bd862e3fe1be46a994272793-53995c3f42cd8ad8-01')?.sampled; // true
 */
export function parseTraceparent(value: string | undefined): TraceIds | undefined {
  const m = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/.exec(value?.trim() ?? '');
  if (!m || m[1] === 'ff') return undefined;
  const ids = { traceId: m[2]!, spanId: m[3]! };
  return valid(ids) ? { ...ids, sampled: (Number.parseInt(m[4]!, 16) & 1) === 1 } : undefined;
}

const valid = ({ traceId, spanId }: { traceId: string; spanId: string }) =>
  !/^0+$/.test(traceId) && !/^0+$/.test(spanId);

/** What tracing needs of a received message (a WorkerMessage has it). */
export interface TracedMessage {
  readonly messageId: string;
  readonly receiveCount: number;
  /** System attributes; `AWSTraceHeader` carries the producer's span. */
  readonly attributes: Readonly<Record<string, string>>;
  readonly messageAttributes: Readonly<MessageAttributeMap>;
}

/** A span under way. */
export interface OpenSpan {
  /** Runs `fn` with this span as the active one (the handler's spans become its children). */
  run<T>(fn: () => Promise<T>): Promise<T>;
  /** Records a failure (the span's status becomes ERROR); the span stays open. */
  fail(error: Error): void;
  /** Ends the span, noting how it ended (`sluice.outcome`). Later calls do nothing. */
  end(outcome: string): void;
}

export interface Tracing {
  /** False when @opentelemetry/api is not installed. */
  readonly enabled: boolean;
  /** The active span as an X-Ray trace header (the AWSTraceHeader to send), if there is one. */
  activeTraceHeader(): string | undefined;
  /** Runs a send in a PRODUCER span `send <queue>`; `fn` gets the trace header that continues it. */
  sending<T>(queue: string, fn: (traceHeader: string | undefined) => Promise<T>): Promise<T>;
  /** A CONSUMER span `process <queue>` for one message, continuing its producer's trace. */
  processing(queue: string, message: TracedMessage): OpenSpan;
  /** A CONSUMER span for a batch handler (linked to every producer) and one span per message under it. */
  processingBatch(queue: string, messages: readonly TracedMessage[]): { batch: OpenSpan; each: OpenSpan[] };
}

const NO_SPAN: OpenSpan = { run: (fn) => fn(), fail() {}, end() {} };

export const NO_TRACING: Tracing = {
  enabled: false,
  activeTraceHeader: () => undefined,
  sending: (_queue, fn) => fn(undefined),
  processing: () => NO_SPAN,
  processingBatch: (_queue, messages) => ({ batch: NO_SPAN, each: messages.map(() => NO_SPAN) }),
};

const require = createRequire(import.meta.url);
let loaded: Tracing | undefined;

/**
 * Tracing through the application's @opentelemetry/api, or NO_TRACING when it
 * has none. Loaded once, synchronously (the API ships CommonJS, and shares one
 * global registry across its module formats): a worker starting up does no
 * I/O for it, so nothing waits on it. Spans go wherever the application's SDK
 * sends them.
 * @example const tracing = currentTracing();
 */
export function currentTracing(): Tracing {
  if (loaded === undefined) {
    try {
      loaded = openTelemetryTracing(require('@opentelemetry/api') as typeof OTel);
    } catch {
      loaded = NO_TRACING;
    }
  }
  return loaded;
}

function openTelemetryTracing(api: typeof OTel): Tracing {
  const tracer = api.trace.getTracer('sluice');
  const attributes = (queue: string, operation: 'send' | 'process'): OTel.Attributes => ({
    'messaging.system': 'aws_sqs',
    'messaging.destination.name': queue,
    'messaging.operation.type': operation,
    'messaging.operation.name': operation,
  });

  const idsOf = (ctx: OTel.Context): TraceIds | undefined => {
    const sc = api.trace.getSpanContext(ctx);
    if (!sc || !api.trace.isSpanContextValid(sc)) return undefined;
    return {
      traceId: sc.traceId,
      spanId: sc.spanId,
      sampled: (sc.traceFlags & api.TraceFlags.SAMPLED) !== 0,
    };
  };

  /** The producer's span: what the application's propagator finds in the attributes, else the X-Ray header. */
  const producerOf = (m: TracedMessage): OTel.SpanContext | undefined => {
    const carrier: Record<string, string> = {};
    for (const [name, v] of Object.entries(m.messageAttributes))
      if (v.StringValue !== undefined) carrier[name] = v.StringValue;
    const found = api.trace.getSpanContext(api.propagation.extract(api.ROOT_CONTEXT, carrier));
    if (found && api.trace.isSpanContextValid(found)) return found;
    const ids = parseXrayHeader(m.attributes.AWSTraceHeader);
    if (!ids) return undefined;
    const flags = ids.sampled ? api.TraceFlags.SAMPLED : api.TraceFlags.NONE;
    return { traceId: ids.traceId, spanId: ids.spanId, traceFlags: flags, isRemote: true };
  };

  const open = (span: OTel.Span, parent: OTel.Context): OpenSpan => {
    let ended = false;
    return {
      run: (fn) => api.context.with(api.trace.setSpan(parent, span), fn),
      fail(error) {
        span.recordException(error);
        span.setStatus({ code: api.SpanStatusCode.ERROR, message: error.message });
      },
      end(outcome) {
        if (ended) return;
        ended = true;
        span.setAttribute('sluice.outcome', outcome);
        span.end();
      },
    };
  };

  const messageSpan = (queue: string, m: TracedMessage, parent: OTel.Context, producer?: OTel.SpanContext) =>
    tracer.startSpan(
      `process ${queue}`,
      {
        kind: api.SpanKind.CONSUMER,
        attributes: {
          ...attributes(queue, 'process'),
          'messaging.message.id': m.messageId,
          'sluice.receive_count': m.receiveCount,
        },
        links: producer ? [{ context: producer }] : [],
      },
      parent,
    );

  return {
    enabled: true,
    activeTraceHeader() {
      const ids = idsOf(api.context.active());
      return ids && xrayHeader(ids);
    },
    async sending(queue, fn) {
      const parent = api.context.active();
      const span = tracer.startSpan(
        `send ${queue}`,
        { kind: api.SpanKind.PRODUCER, attributes: attributes(queue, 'send') },
        parent,
      );
      const ctx = api.trace.setSpan(parent, span);
      const ids = idsOf(ctx);
      try {
        return await api.context.with(ctx, () => fn(ids && xrayHeader(ids)));
      } catch (e) {
        span.setStatus({
          code: api.SpanStatusCode.ERROR,
          message: e instanceof Error ? e.message : String(e),
        });
        throw e;
      } finally {
        span.end();
      }
    },
    processing(queue, m) {
      const producer = producerOf(m);
      // The trace continues from the producer's span; a message without one starts its own trace.
      const parent = producer ? api.trace.setSpanContext(api.ROOT_CONTEXT, producer) : api.ROOT_CONTEXT;
      return open(messageSpan(queue, m, parent, producer), parent);
    },
    processingBatch(queue, messages) {
      const producers = messages.map(producerOf);
      const span = tracer.startSpan(
        `process ${queue}`,
        {
          kind: api.SpanKind.CONSUMER,
          attributes: { ...attributes(queue, 'process'), 'messaging.batch.message_count': messages.length },
          links: producers.flatMap((p) => (p ? [{ context: p }] : [])),
        },
        api.ROOT_CONTEXT,
      );
      const inBatch = api.trace.setSpan(api.ROOT_CONTEXT, span);
      const each = messages.map((m, i) => open(messageSpan(queue, m, inBatch, producers[i]), inBatch));
      return { batch: open(span, api.ROOT_CONTEXT), each };
    },
  };
}

/**
 * The trace context a process was started in, from the TRACEPARENT environment
 * variable (OpenTelemetry's convention for passing context to a command), as
 * an X-Ray trace header; undefined when unset or malformed.
 * @example environmentTraceHeader({ TRACEPARENT: '00-5759e988bd862e3fe1be46a994272793-53995c3f42cd8ad8-01' });
 */
export function environmentTraceHeader(env: NodeJS.ProcessEnv): string | undefined {
  const ids = parseTraceparent(env.TRACEPARENT);
  return ids && xrayHeader(ids);
}

/** The send members that carry a trace header to the consumer (none without one). */
export function traceHeaderAttribute(header: string | undefined): {
  MessageSystemAttributes?: MessageAttributeMap;
} {
  return header
    ? { MessageSystemAttributes: { AWSTraceHeader: { DataType: 'String', StringValue: header } } }
    : {};
}
