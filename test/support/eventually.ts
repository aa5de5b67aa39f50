/**
 * Waiting on real processes: polls `check` (sync or async) every `everyMs`
 * until it holds, and fails naming `what` after `withinMs`. For tests that
 * watch child processes and servers in real time; code under a ManualClock
 * uses the worker harness's `until` instead.
 */
import assert from 'node:assert/strict';

export async function eventually(
  check: () => boolean | Promise<boolean>,
  what: string,
  {
    withinMs = 15_000,
    everyMs = 25,
    detail,
  }: { withinMs?: number; everyMs?: number; detail?: () => string } = {},
): Promise<void> {
  const end = Date.now() + withinMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  assert.fail(`timed out after ${withinMs} ms waiting for ${what}${detail ? `\n${detail()}` : ''}`);
}
