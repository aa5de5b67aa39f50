/**
 * What commands print: a plain text table for people (columns padded, no
 * colour, numbers right-aligned) or JSON for scripts, always on stdout.
 */

export type Cell = string | number | undefined | null;

/** A dash for "not available". */
export const NA = '–';

/** Renders rows under headers; a null/undefined cell prints as NA. */
export function table(headers: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const text = rows.map((row) => headers.map((_, i) => cellText(row[i])));
  const widths = headers.map((h, i) => Math.max(h.length, ...text.map((r) => [...r[i]!].length)));
  const numeric = headers.map((_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === 'number'));
  const line = (cells: readonly string[], header = false) =>
    cells
      .map((c, i) => {
        const pad = ' '.repeat(Math.max(0, widths[i]! - [...c].length));
        return numeric[i] && !header ? pad + c : c + pad;
      })
      .join('  ')
      .trimEnd();
  return [line(headers, true), ...text.map((r) => line(r))].join('\n');
}

const cellText = (cell: Cell) => (cell === undefined || cell === null ? NA : String(cell));

/** Shortens text to `max` characters on one line (newlines shown as ⏎). */
export function clip(text: string, max: number): string {
  const one = text.replace(/\r?\n/g, '⏎');
  return [...one].length > max ? `${[...one].slice(0, max - 1).join('')}…` : one;
}

/** Prints JSON (scripts) or the human text. */
export function print(json: boolean, value: unknown, human: () => string): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${human()}\n`);
}
