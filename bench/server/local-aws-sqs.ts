/**
 * Starts the local-aws-sqs peer (in memory) from bench/.peers, as its own
 * process: `node --import tsx bench/server/local-aws-sqs.ts PORT`.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const peers = fileURLToPath(new URL('../.peers/package.json', import.meta.url));
const { createSqsServer } = createRequire(peers)('local-aws-sqs') as {
  createSqsServer: (o: { port: number; hostname: string }) => Promise<unknown>;
};
await createSqsServer({ port: Number(process.argv[2]), hostname: '127.0.0.1' });
