/**
 * The files a pipe shares with its children, in one private directory
 * (mode 0700, under the system's temp dir) for the pipe's life:
 *
 *   batch-<n>.json   the records of batch n when they are too big for
 *                    SQS_BODY (mode 0600); the child finds its path in
 *                    SQS_BODY_FILE
 *   result-<n>.json  the child's partial batch failure report, if it writes
 *                    one (SQS_RESULT_FILE; pipe-report.ts)
 *
 * Both are removed once batch n's child has exited, the directory when the
 * pipe stops.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface BatchFiles {
  /** Where the records are, when they are in a file. */
  readonly body: string | undefined;
  /** Where the child may write its report. */
  readonly result: string;
}

export class PipeFiles {
  readonly #dir = mkdtempSync(join(tmpdir(), 'sluice-pipe-'));

  /** Batch `n`'s paths; `records`, when given, written to its body file first. */
  open(n: number, records?: string): BatchFiles {
    let body: string | undefined;
    if (records !== undefined) {
      body = join(this.#dir, `batch-${n}.json`);
      writeFileSync(body, records, { mode: 0o600, flag: 'wx' });
    }
    return { body, result: join(this.#dir, `result-${n}.json`) };
  }

  /**
   * The report the child wrote (undefined: none; an Error: it cannot be
   * read), then both files removed. With `read` false, only the clean-up.
   */
  close(files: BatchFiles, read: boolean): string | Error | undefined {
    let report: string | Error | undefined;
    if (read) {
      try {
        report = readFileSync(files.result, 'utf8');
      } catch (thrown) {
        if ((thrown as { code?: unknown }).code !== 'ENOENT')
          report = thrown instanceof Error ? thrown : new Error(String(thrown));
      }
    }
    // What cannot be removed now goes with the directory; recursive: whatever the child left there.
    for (const path of [files.result, files.body]) {
      try {
        if (path) rmSync(path, { force: true, recursive: true });
      } catch {}
    }
    return report;
  }

  remove(): void {
    rmSync(this.#dir, { recursive: true, force: true });
  }
}
