/**
 * The workers' record of handled ids (week-worker.ts: one file per process,
 * one id per line), read as it grows: every id is counted in a bitmap of the
 * ids sent, so the bench knows at any moment how many distinct messages were
 * handled, how many twice or more, and at the end exactly which were not.
 */
import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';

export class HandledRecord {
  readonly #dir: string;
  /** Times each id was handled, capped at 255. */
  readonly #seen: Uint8Array;
  readonly #offsets = new Map<string, number>();
  readonly #partial = new Map<string, string>();
  distinct = 0;
  /** Handler runs beyond the first, over all ids. */
  duplicates = 0;
  /** Lines naming no id that was sent. */
  strays = 0;

  constructor(dir: string, messages: number) {
    this.#dir = dir;
    this.#seen = new Uint8Array(messages);
  }

  /** Reads what the files gained since the last call. */
  update(): void {
    for (const name of readdirSync(this.#dir)) {
      if (!name.endsWith('.ids')) continue;
      const path = join(this.#dir, name);
      const from = this.#offsets.get(name) ?? 0;
      const size = statSync(path).size;
      if (size <= from) continue;
      const buf = Buffer.alloc(size - from);
      const fd = openSync(path, 'r');
      try {
        readSync(fd, buf, 0, buf.length, from);
      } finally {
        closeSync(fd);
      }
      this.#offsets.set(name, size);
      const text = (this.#partial.get(name) ?? '') + buf.toString('latin1');
      const end = text.lastIndexOf('\n');
      this.#partial.set(name, text.slice(end + 1));
      if (end >= 0) for (const line of text.slice(0, end).split('\n')) this.#count(line);
    }
  }

  #count(line: string): void {
    const id = Number(line);
    if (!Number.isInteger(id) || id < 0 || id >= this.#seen.length) {
      this.strays++;
      return;
    }
    const n = this.#seen[id]!;
    if (n === 0) this.distinct++;
    else this.duplicates++;
    if (n < 255) this.#seen[id] = n + 1;
  }

  /** Ids never handled (the first `limit` of them). */
  missing(limit = 20): number[] {
    const out: number[] = [];
    for (let id = 0; id < this.#seen.length && out.length < limit; id++)
      if (this.#seen[id] === 0) out.push(id);
    return out;
  }
}
