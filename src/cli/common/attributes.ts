/**
 * How the attributes `queues create` asks for differ from those of a queue
 * that already exists, named for the operator (SQS's own error names only
 * one attribute, and not the values).
 */
import { parseQueueArn } from '../../sqs/names.ts';
import { parseRedrivePolicy } from '../../sqs/redrive.ts';

/** What GetQueueAttributes leaves out when the flag is off. */
const ABSENT_MEANS: Readonly<Record<string, string>> = {
  FifoQueue: 'false',
  ContentBasedDeduplication: 'false',
};

/** A RedrivePolicy as people say it: `q-dlq after 3 receives`; anything unreadable as is. */
function redriveText(value: string | undefined): string {
  if (value === undefined || value === '') return 'none';
  try {
    const { deadLetterTargetArn, maxReceiveCount } = parseRedrivePolicy(value);
    const name = parseQueueArn(deadLetterTargetArn)?.name ?? deadLetterTargetArn;
    return `${name} after ${maxReceiveCount} receives`;
  } catch {
    return value;
  }
}

/**
 * `VisibilityTimeout is 30, not 7` for each requested attribute whose
 * current value differs; empty when the queue already is what was asked.
 *
 * @example
 * attributeDifferences({ VisibilityTimeout: '30' }, { VisibilityTimeout: '7' }); // ['VisibilityTimeout is 30, not 7']
 */
export function attributeDifferences(
  current: Readonly<Record<string, string>>,
  requested: Readonly<Record<string, string>>,
): string[] {
  const differences: string[] = [];
  for (const [name, wanted] of Object.entries(requested)) {
    const have = current[name] ?? ABSENT_MEANS[name];
    const [is, asked] =
      name === 'RedrivePolicy' ? [redriveText(have), redriveText(wanted)] : [have ?? 'unset', wanted];
    if (is !== asked) differences.push(`${name} is ${is}, not ${asked}`);
  }
  return differences;
}
