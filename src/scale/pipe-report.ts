/**
 * A child's partial batch failure report, as Lambda reads a function's
 * response to an SQS batch with ReportBatchItemFailures on:
 *
 *   {"batchItemFailures":[{"itemIdentifier":"<messageId>"}, …]}
 *
 * The child writes it to the file SQS_RESULT_FILE names, and exits 0.
 * As for Lambda, no report, an empty one, `null`, `{}` or an empty or null
 * list mean the whole batch succeeded; invalid JSON, an item that is not an
 * object, an itemIdentifier that is missing, empty, not a string, or not a
 * messageId of the batch mean the whole batch failed.
 */

export type BatchReport =
  /** `failed`: the messageIds to retry (empty: all succeeded). */
  | { readonly ok: true; readonly failed: ReadonlySet<string> }
  /** The report is unusable: retry the whole batch; `why` says what is wrong with it. */
  | { readonly ok: false; readonly why: string };

const ALL_SUCCEEDED: BatchReport = Object.freeze({ ok: true, failed: new Set<string>() });

/**
 * @example
 * parseReport('{"batchItemFailures":[{"itemIdentifier":"m2"}]}', new Set(['m1', 'm2'])); // { ok: true, failed: Set { 'm2' } }
 */
export function parseReport(text: string | undefined, messageIds: ReadonlySet<string>): BatchReport {
  if (text === undefined || text.trim() === '') return ALL_SUCCEEDED;
  let report: unknown;
  try {
    report = JSON.parse(text);
  } catch {
    return { ok: false, why: `is not JSON: ${excerpt(text)}` };
  }
  if (report === null) return ALL_SUCCEEDED;
  if (typeof report !== 'object' || Array.isArray(report))
    return { ok: false, why: `is not an object: ${excerpt(text)}` };
  const items = (report as { batchItemFailures?: unknown }).batchItemFailures;
  if (items === undefined || items === null) return ALL_SUCCEEDED;
  if (!Array.isArray(items)) return { ok: false, why: `has a batchItemFailures that is not a list` };
  const failed = new Set<string>();
  for (const item of items) {
    const id = (item as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || id === '')
      return { ok: false, why: `has an item without an itemIdentifier: ${excerpt(JSON.stringify(item))}` };
    if (!messageIds.has(id)) return { ok: false, why: `names ${excerpt(id)}, no messageId of the batch` };
    failed.add(id);
  }
  return { ok: true, failed };
}

const excerpt = (text: string) => JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
