/**
 * Zero-scale pipes beside the reference system's workers: nothing runs
 * while the queues are empty.
 *
 *   renders  one Fargate Spot task per message, the body in SQS_BODY (as the seeds run it)
 *   exports  one task per batch of up to 50 (5 s window), the records in SQS_BODY;
 *            a batch that fails 3 times goes to exports-dlq
 */
import { defineConfig } from 'sluice';

export default defineConfig({
  queues: [
    { name: 'renders', visibilityTimeout: 900, dlq: { maxReceiveCount: 3 } },
    { name: 'exports', visibilityTimeout: 300, dlq: { maxReceiveCount: 3 } },
  ],
  deploy: {
    name: 'reference-jobs',
    image: 'ghcr.io/acme/reference-jobs:1.0.0',
    cpu: 1,
    memoryMiB: 2048,
    aws: {
      pipes: [
        { queue: 'renders', command: ['node', 'render.js'] },
        {
          queue: 'exports',
          mode: 'batch',
          batchSize: 50,
          windowSeconds: 5,
          command: ['node', 'export.js'],
          timeoutSeconds: 1800,
        },
      ],
    },
  },
});
