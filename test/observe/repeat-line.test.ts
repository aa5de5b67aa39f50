/** The reminder line under a manual clock: every interval, survives a failing write, stops. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { summaryLine } from '../../src/cli/dev.ts';
import { repeatLine } from '../../src/observe/repeat-line.ts';
import { ManualClock } from '../../src/time/clock.ts';

describe('repeatLine', () => {
  it('says the line every 60 s, goes on after a failing write, and stops', async () => {
    const clock = new ManualClock();
    const lines: string[] = [];
    let fail = false;
    let n = 0;
    const stop = repeatLine({
      clock,
      line: () => `line ${++n}`,
      write: (l) => {
        if (fail) throw new Error('EPIPE');
        lines.push(l);
      },
    });
    await clock.advance(59_999);
    assert.deepEqual(lines, []);
    await clock.advance(1);
    assert.deepEqual(lines, ['line 1']);
    fail = true;
    await clock.advance(60_000);
    fail = false;
    await clock.advance(60_000);
    assert.deepEqual(lines, ['line 1', 'line 3']);
    stop();
    await clock.advance(600_000);
    assert.deepEqual(lines, ['line 1', 'line 3']);
  });

  it('sluice dev’s line holds the server, health and metrics URLs and how to send a message', () => {
    assert.equal(
      summaryLine('http://127.0.0.1:9324', 'http://127.0.0.1:3003', 'push-notifications'),
      `sluice dev: endpoint http://127.0.0.1:9324  dashboard http://127.0.0.1:9324/dashboard  health http://127.0.0.1:3003/health  metrics http://127.0.0.1:3003/metrics  send one: npx sluice send push-notifications '{"to":"ana","title":"hello"}' --endpoint http://127.0.0.1:9324`,
    );
  });
});
