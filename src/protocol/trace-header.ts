/**
 * X-Ray's trace header across the queue. A SendMessage or SendMessageBatch
 * request that carries `X-Amzn-Trace-Id` (the X-Ray SDKs and the AWS SDKs'
 * X-Ray integration set it) has it kept as each message's `AWSTraceHeader`
 * system attribute, which a receive returns, as Amazon SQS does. An
 * AWSTraceHeader given in MessageSystemAttributes wins over the header.
 */
import type { MessageAttributeMap } from '../sqs/types.ts';
import type { ActionSpec } from './actions.ts';

export const TRACE_HEADER = 'x-amzn-trace-id';

type Entry = { MessageSystemAttributes?: MessageAttributeMap };

/** `input` with the trace header added where it applies; unchanged for other actions or without a header. */
export function withTraceHeader(
  action: ActionSpec,
  input: Record<string, unknown>,
  header: string | undefined,
): Record<string, unknown> {
  const trace = header?.trim();
  if (!trace) return input;
  if (action.name === 'SendMessage') return traced(input, trace);
  if (action.name === 'SendMessageBatch' && Array.isArray(input.Entries))
    return { ...input, Entries: input.Entries.map((e: unknown) => (isEntry(e) ? traced(e, trace) : e)) };
  return input;
}

const isEntry = (e: unknown): e is Record<string, unknown> => typeof e === 'object' && e !== null;

function traced<E extends Entry>(entry: E, trace: string): E {
  if (entry.MessageSystemAttributes?.AWSTraceHeader) return entry;
  return {
    ...entry,
    MessageSystemAttributes: {
      ...entry.MessageSystemAttributes,
      AWSTraceHeader: { DataType: 'String', StringValue: trace },
    },
  };
}
