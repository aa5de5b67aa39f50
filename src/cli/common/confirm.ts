/**
 * Asking before a destructive command. On a terminal: a `[y/N]` question on
 * stderr. Off one (a script, CI, a pipe) nobody can answer, and a piped "y"
 * must not stand in for a person, so the command refuses unless `--yes` was
 * given; nothing has changed when it refuses.
 */
import { createInterface } from 'node:readline/promises';
import { type Connection, isLocal } from './connection.ts';

export const yesArg = {
  yes: { type: 'boolean', alias: 'y', description: 'Do not ask before acting (needed off a terminal)' },
} as const;

/** `1 message`, `177 messages`. */
export const messages = (n: number) => `${n} message${n === 1 ? '' : 's'}`;

/**
 * Whether to ask before destroying a queue's messages (or the queue): always
 * on an endpoint that is not this machine (Amazon SQS, a shared server), and
 * on a local one when there is something to lose.
 */
export const mustConfirm = (connection: Connection, count: number) => !isLocal(connection) || count > 0;

/**
 * Asks `<action>?` (e.g. "purge 3 messages from "jobs" at …") unless `yes`;
 * throws when the answer is not y/yes or there is no terminal to ask on.
 */
export async function confirm(action: string, yes: boolean): Promise<void> {
  if (yes) return;
  if (process.stdin.isTTY !== true)
    throw new Error(`will not ${action} without --yes (no terminal to ask on)`);
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  // Ctrl-C or Ctrl-D at the question is a no.
  const stop = new AbortController();
  rl.on('SIGINT', () => stop.abort());
  rl.on('close', () => stop.abort());
  try {
    const question = `${action[0]?.toUpperCase() ?? ''}${action.slice(1)}? [y/N] `;
    const answer = await rl.question(question, { signal: stop.signal }).catch(() => '');
    if (!/^y(es)?$/i.test(answer.trim())) throw new Error('not confirmed; nothing changed');
  } finally {
    rl.close();
  }
}
