import { errors } from '../../sqs/errors.ts';

/** ListQueues' and ListDeadLetterSourceQueues' NextToken: the last name of the page, opaque to clients. */
export const encodeToken = (name: string) => Buffer.from(JSON.stringify({ after: name })).toString('base64');

export function decodeToken(token: string, parameter: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64').toString()) as { after?: unknown };
    if (typeof parsed.after === 'string') return parsed.after;
  } catch {
    // fall through to the error below
  }
  throw errors.invalidParameter(parameter, token, 'Invalid or expired next token.');
}
