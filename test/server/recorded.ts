/**
 * The answers Amazon SQS gave (LocalStack's recordings against real AWS, see
 * /work/shared/aws-recorded), for comparing sluice's query-protocol errors
 * field by field as botocore parses them.
 */
import { readFileSync } from 'node:fs';

const FILE = new URL('../aws-recorded/test_sqs.snapshot.json', import.meta.url);
const PREFIX = 'tests/aws/services/sqs/test_sqs.py::TestSqsProvider::';

type Recording = Record<string, { 'recorded-content': Record<string, unknown> }>;
let cache: Recording | undefined;

/** `recorded('test_too_many_entries_in_batch_request[sqs_query]', 'test_too_many_entries_in_batch_request')`. */
export function recorded(test: string, key: string): { Error: Record<string, unknown>; Status: number } {
  cache ??= JSON.parse(readFileSync(FILE, 'utf8')) as Recording;
  const content = cache[PREFIX + test]?.['recorded-content'][key] as
    | { Error: Record<string, unknown>; ResponseMetadata: { HTTPStatusCode: number } }
    | undefined;
  if (!content) throw new Error(`no recording ${test} / ${key}`);
  return { Error: content.Error, Status: content.ResponseMetadata.HTTPStatusCode };
}
