/**
 * The `sluice` command line. One file per command under src/cli/; each is
 * loaded only when it runs, so `sluice server` does not load the worker.
 */
import { defineCommand, runMain } from 'citty';

const main = defineCommand({
  meta: {
    name: 'sluice',
    description: 'Background workers for SQS-style queues, with an embedded SQS server',
  },
  subCommands: {
    server: () => import('./server.ts').then((m) => m.default),
  },
});

await runMain(main);
