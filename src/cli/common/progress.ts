/**
 * A progress line: on a terminal one bar redrawn in place; elsewhere (logs,
 * CI, pipes) a plain line each time the count changes.
 */
export interface Progress {
  update(done: number, total: number | undefined): void;
  /** Ends the redrawn line. */
  finish(): void;
}

const WIDTH = 30;

/** `verb` follows the count: `3/10 moved`. */
export function progress(stream: NodeJS.WriteStream, label: string, verb = 'moved'): Progress {
  const tty = stream.isTTY === true;
  let last = '';
  return {
    update(done, total) {
      const of = total !== undefined && total > 0 ? `${done}/${total}` : `${done}`;
      if (!tty) {
        if (of !== last) stream.write(`${label}: ${of} ${verb}\n`);
        last = of;
        return;
      }
      const ratio = total ? Math.min(1, done / total) : 0;
      const filled = Math.round(ratio * WIDTH);
      const bar = `${'█'.repeat(filled)}${'░'.repeat(WIDTH - filled)}`;
      stream.write(`\r\x1b[K${label} [${bar}] ${of} ${verb}${total ? ` (${Math.round(ratio * 100)}%)` : ''}`);
      last = of;
    },
    finish() {
      if (tty && last !== '') stream.write('\n');
    },
  };
}
