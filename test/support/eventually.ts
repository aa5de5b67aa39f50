/**
 * Waiting on real processes: polls `check` (sync or async) every `everyMs`
 * until it holds, and fails naming `what` after `withinMs` (stretched by
 * patience() on a loaded machine). For tests that
 * watch child processes and servers in real time; code under a ManualClock
 * uses the worker harness's `until` instead.
 */
import assert from 'node:assert/strict';
import { availableParallelism, loadavg } from 'node:os';

/**
 * How many times longer than usual a loaded machine may take: the runnable
 * processes per core over the last minute, 1–8. A window only bounds how long
 * a failing test waits, so stretching it costs a passing test nothing.
 */
export function patience(): number {
  return Math.min(8, Math.max(1, (loadavg()[0] ?? 0) / availableParallelism()));
}

export async function eventually(
  check: () => boolean | Promise<boolean>,
  what: string,
  {
    withinMs = 15_000,
    everyMs = 25,
    detail,
  }: { withinMs?: number; everyMs?: number; detail?: () => string } = {},
): Promise<void> {
  const window = Math.round(withinMs * patience());
  const end = Date.now() + window;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  assert.fail(`timed out after ${window} ms waiting for ${what}${detail ? `\n${detail()}` : ''}`);
}
