/** The operator's CLI output helpers: tables, clipping, the progress line on a terminal and off it. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clip, table } from '../../src/cli/common/output.ts';
import { progress } from '../../src/cli/common/progress.ts';

const fakeStream = (isTTY: boolean) => {
  const chunks: string[] = [];
  return { chunks, stream: { isTTY, write: (s: string) => chunks.push(s) } as unknown as NodeJS.WriteStream };
};

describe('output helpers', () => {
  it('pads columns, right-aligns numbers and shows missing values as –', () => {
    assert.equal(
      table(
        ['QUEUE', 'VISIBLE', 'DLQ'],
        [
          ['a', 5, undefined],
          ['longer-name', 1234, 'a-dlq'],
        ],
      ),
      ['QUEUE        VISIBLE  DLQ', 'a                  5  –', 'longer-name     1234  a-dlq'].join('\n'),
    );
  });

  it('clips text to one line', () => {
    assert.equal(clip('line one\nline two', 10), 'line one⏎…');
    assert.equal(clip('short', 10), 'short');
  });

  it('redraws one bar on a terminal and prints plain lines elsewhere', () => {
    const tty = fakeStream(true);
    const bar = progress(tty.stream, 'dlq → src');
    bar.update(0, 4);
    bar.update(2, 4);
    bar.finish();
    assert.equal(tty.chunks.length, 3);
    assert.ok(tty.chunks.slice(0, 2).every((c) => c.startsWith('\r\x1b[K')));
    assert.match(tty.chunks[1]!, /\[█{15}░{15}\] 2\/4 moved \(50%\)$/);
    assert.equal(tty.chunks[2], '\n');

    const plain = fakeStream(false);
    const lines = progress(plain.stream, 'dlq → src');
    for (const n of [0, 0, 3]) lines.update(n, 3);
    lines.finish();
    assert.deepEqual(plain.chunks, ['dlq → src: 0/3 moved\n', 'dlq → src: 3/3 moved\n']);
  });
});
