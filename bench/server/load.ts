/**
 * The load: one @aws-sdk/client-sqs client in this process, `loops` request
 * loops sharing it. Send phase: SendMessageBatch of 10 until `messages` are
 * sent. Consume phase: ReceiveMessage (10, no wait) + DeleteMessageBatch of
 * what came back, until `messages` are deleted.
 */
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { body, runLoops, timed } from '../lib/run.ts';

export interface Phase {
  seconds: number;
  requests: number;
  messages: number;
}

export function client(url: string, md5 = true): SQSClient {
  return new SQSClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    ...(md5 ? {} : { md5: false as const }),
    maxAttempts: 1,
  });
}

export async function createQueue(sqs: SQSClient, name: string): Promise<string> {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  if (!QueueUrl) throw new Error('no QueueUrl');
  return QueueUrl;
}

export async function sendPhase(
  sqs: SQSClient,
  QueueUrl: string,
  messages: number,
  loops: number,
  bodyBytes: number,
): Promise<Phase> {
  const batches = Math.ceil(messages / 10);
  let next = 0;
  const seconds = await timed(() =>
    runLoops(loops, async () => {
      const b = next++;
      if (b >= batches) return false;
      const Entries = Array.from({ length: Math.min(10, messages - b * 10) }, (_, i) => ({
        Id: String(i),
        MessageBody: body(b * 10 + i, bodyBytes),
      }));
      const out = await sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries }));
      if (out.Failed?.length) throw new Error(`send failed: ${JSON.stringify(out.Failed[0])}`);
      return true;
    }),
  );
  return { seconds, requests: batches, messages };
}

export async function consumePhase(
  sqs: SQSClient,
  QueueUrl: string,
  messages: number,
  loops: number,
): Promise<Phase> {
  let deleted = 0;
  let requests = 0;
  let empty = 0;
  const seconds = await timed(() =>
    runLoops(loops, async () => {
      if (deleted >= messages) return false;
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 }),
      );
      requests++;
      if (Messages.length === 0) {
        // Near the end the other loops hold the last messages; more than a few thousand empty polls means they are lost.
        if (++empty > 5000) throw new Error(`queue ran dry at ${deleted} of ${messages}`);
        return deleted < messages;
      }
      const Entries = Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle }));
      const out = await sqs.send(new DeleteMessageBatchCommand({ QueueUrl, Entries }));
      requests++;
      if (out.Failed?.length) throw new Error(`delete failed: ${JSON.stringify(out.Failed[0])}`);
      deleted += Messages.length;
      return deleted < messages;
    }),
  );
  return { seconds, requests, messages: deleted };
}
