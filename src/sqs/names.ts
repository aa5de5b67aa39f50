/**
 * Queue names, queue URLs and queue ARNs.
 *
 * A queue URL is `scheme://host[:port]/ACCOUNT/NAME`; SQS itself also accepts
 * a path with a prefix (LocalStack-style `/queue/REGION/ACCOUNT/NAME`), so
 * only the last two path segments matter. AWS answers NonExistentQueue for
 * any QueueUrl it cannot resolve, so that is what an unparsable one gets.
 */
import { errors } from './errors.ts';
import { MAX_QUEUE_NAME_LENGTH } from './limits.ts';

const NAME = /^[A-Za-z0-9_-]+$/;
const FIFO_SUFFIX = '.fifo';

/**
 * Throws InvalidParameterValue unless `name` is a valid standard or FIFO queue name.
 * The `.fifo` suffix counts towards the 80 characters, and only FIFO queues may carry it.
 * @example validateQueueName('orders.fifo', true);
 */
export function validateQueueName(name: string, isFifo: boolean): void {
  const hasSuffix = name.endsWith(FIFO_SUFFIX);
  if (isFifo !== hasSuffix) throw errors.invalidQueueName(isFifo);
  const base = isFifo ? name.slice(0, -FIFO_SUFFIX.length) : name;
  if (name.length > MAX_QUEUE_NAME_LENGTH || base === '' || !NAME.test(base)) {
    throw errors.invalidQueueName(isFifo);
  }
}

/** True when `name` could be a queue name (with or without `.fifo`). */
function plausibleName(name: string): boolean {
  const base = name.endsWith(FIFO_SUFFIX) ? name.slice(0, -FIFO_SUFFIX.length) : name;
  return name.length <= MAX_QUEUE_NAME_LENGTH && NAME.test(base);
}

/**
 * The account and queue name a QueueUrl points at. A bare queue name is
 * accepted only when `defaultAccountId` is given (Amazon SQS does accept one,
 * see test_posting_to_queue_via_queue_name); otherwise it is NonExistentQueue.
 * @example parseQueueUrl('http://127.0.0.1:9324/000000000000/orders'); // { accountId: '000000000000', name: 'orders' }
 */
export function parseQueueUrl(url: string, defaultAccountId?: string): { accountId: string; name: string } {
  const segments = pathOf(url)
    .split('/')
    .filter((s) => s !== '');
  const name = segments.at(-1);
  const accountId = segments.length >= 2 ? segments.at(-2) : defaultAccountId;
  if (name === undefined || accountId === undefined || accountId === '' || !plausibleName(name)) {
    throw errors.queueDoesNotExist();
  }
  if (segments.length === 1 && url.includes('/')) throw errors.queueDoesNotExist();
  return { accountId, name };
}

/** The path of a URL (scheme and authority dropped) or of a bare path; no URL parser, so placeholder hosts work. */
function pathOf(url: string): string {
  const path = url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '');
  return path.split(/[?#]/)[0] ?? '';
}

/** The AWS partition a region belongs to. */
function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/**
 * @example queueArn('us-east-1', '000000000000', 'orders'); // 'arn:aws:sqs:us-east-1:000000000000:orders'
 */
export function queueArn(region: string, accountId: string, name: string): string {
  return `arn:${partitionOf(region)}:sqs:${region}:${accountId}:${name}`;
}

/**
 * The parts of an SQS queue ARN, or undefined if `arn` is not one.
 * @example parseQueueArn('arn:aws:sqs:us-east-1:000000000000:orders')?.name; // 'orders'
 */
export function parseQueueArn(arn: string): { region: string; accountId: string; name: string } | undefined {
  const parts = arn.split(':');
  if (parts.length !== 6) return undefined;
  const [prefix, partition, service, region, accountId, name] = parts;
  if (prefix !== 'arn' || !partition || service !== 'sqs' || !region || !accountId || !name) return undefined;
  return { region, accountId, name };
}
