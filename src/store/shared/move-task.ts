/** What both stores' message move tasks share: the row's shape, its answer, the checks. */
import { errors } from '../../sqs/errors.ts';
import type * as T from '../../sqs/types.ts';

export interface TaskRow {
  handle: string;
  source_arn: string;
  destination_arn: string | null;
  max_per_second: number | null;
  status: T.MessageMoveTask['Status'];
  moved: number;
  to_move: number;
  failure_reason: string | null;
  started_at: number;
}

/** MaxNumberOfMessagesPerSecond, checked as SQS checks it. */
export function checkRate(rate: number | undefined): number | undefined {
  if (rate !== undefined && (!Number.isInteger(rate) || rate < 1 || rate > 500)) {
    throw errors.invalidParameter('MaxNumberOfMessagesPerSecond', rate, 'Must be between 1 and 500.');
  }
  return rate;
}

/** The source ARN a task handle carries; InvalidParameterValue if it is not a handle. */
export function handleSource(handle: unknown): string {
  let sourceArn: unknown;
  try {
    sourceArn = (JSON.parse(Buffer.from(String(handle), 'base64').toString()) as { sourceArn?: unknown })
      .sourceArn;
  } catch {
    sourceArn = undefined;
  }
  if (typeof sourceArn !== 'string')
    throw errors.invalidParameterText('Value for parameter TaskHandle is invalid.');
  return sourceArn;
}

export const sourceNotFound = () =>
  errors.resourceNotFound("The resource that you specified for the SourceArn parameter doesn't exist.");

export function toTask(row: TaskRow): T.MessageMoveTask {
  const task: T.MessageMoveTask = {
    Status: row.status,
    SourceArn: row.source_arn,
    ApproximateNumberOfMessagesMoved: row.moved,
    ApproximateNumberOfMessagesToMove: row.to_move,
    StartedTimestamp: row.started_at,
  };
  if (row.status === 'RUNNING') task.TaskHandle = row.handle;
  if (row.destination_arn) task.DestinationArn = row.destination_arn;
  if (row.max_per_second) task.MaxNumberOfMessagesPerSecond = row.max_per_second;
  if (row.failure_reason) task.FailureReason = row.failure_reason;
  return task;
}
