/**
 * The ECS agent's task scale-in protection endpoint, as AWS documents it
 * ("Task scale-in protection endpoint", Amazon ECS Developer Guide):
 *
 *   PUT $ECS_AGENT_URI/task-protection/v1/state
 *   {"ProtectionEnabled": true, "ExpiresInMinutes": 60}   (1–2880; 120 when left out)
 *   {"ProtectionEnabled": false}
 *
 * Its answers, one key each:
 *
 *   200 {"protection": {"ExpirationDate", "ProtectionEnabled", "TaskArn"}}   done
 *   200 {"failure": {"Arn", "Detail", "Reason"}}        ECS refused (TASK_NOT_VALID: not in a service)
 *   4xx/5xx {"requestID"?, "error": {"Arn", "Code", "Message"}}   AccessDeniedException, ThrottlingException, …
 *
 * The agent refuses fields it does not know, so nothing else is sent.
 */

export interface ProtectionRequest {
  ProtectionEnabled: boolean;
  ExpiresInMinutes?: number;
}

export type AgentAnswer =
  | { ok: true; enabled: boolean; expirationDate: string | undefined }
  /**
   * `kind` names the problem for logging once: the failure's Reason, the
   * error's Code, `HTTP <status>` for an answer of another shape, or
   * `unreachable` when no answer came (refused, timed out).
   */
  | { ok: false; kind: string; message: string; answered: boolean };

/** `$ECS_AGENT_URI/task-protection/v1/state`. */
export function protectionUrl(agentUri: string): string {
  return `${agentUri.replace(/\/+$/, '')}/task-protection/v1/state`;
}

type Body = {
  protection?: { ProtectionEnabled?: unknown; ExpirationDate?: unknown };
  failure?: { Reason?: unknown; Detail?: unknown };
  error?: { Code?: unknown; Message?: unknown };
};

function parse(text: string): Body | undefined {
  try {
    const body: unknown = JSON.parse(text);
    return body !== null && typeof body === 'object' ? (body as Body) : undefined;
  } catch {
    return undefined;
  }
}

/** Reads one answer in any of the documented shapes. */
function answerOf(status: number, text: string): AgentAnswer {
  const body = parse(text);
  const { protection, failure, error } = body ?? {};
  if (status === 200 && protection && typeof protection.ProtectionEnabled === 'boolean') {
    const date = protection.ExpirationDate;
    return {
      ok: true,
      enabled: protection.ProtectionEnabled,
      expirationDate: typeof date === 'string' ? date : undefined,
    };
  }
  if (failure && typeof failure.Reason === 'string') {
    const detail = typeof failure.Detail === 'string' ? `: ${failure.Detail}` : '';
    return { ok: false, kind: failure.Reason, message: `${failure.Reason}${detail}`, answered: true };
  }
  if (error && typeof error.Code === 'string') {
    const message = typeof error.Message === 'string' ? error.Message : '';
    return { ok: false, kind: error.Code, message: `${error.Code}: ${message}`, answered: true };
  }
  const kind = `HTTP ${status}`;
  return { ok: false, kind, message: `${kind}: ${text.slice(0, 200)}`, answered: true };
}

/**
 * Sends one protection request; never rejects (no answer is `unreachable`).
 *
 * @example
 * const answer = await putProtection(process.env.ECS_AGENT_URI ?? '', { ProtectionEnabled: true, ExpiresInMinutes: 60 }, AbortSignal.timeout(5000));
 * if (!answer.ok) console.warn(answer.message);
 */
export async function putProtection(
  agentUri: string,
  request: ProtectionRequest,
  signal: AbortSignal,
): Promise<AgentAnswer> {
  try {
    const res = await fetch(protectionUrl(agentUri), {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(request),
      signal,
    });
    return answerOf(res.status, await res.text());
  } catch (thrown) {
    const cause = (thrown as { cause?: { code?: unknown } } | null)?.cause;
    const why = signal.aborted
      ? 'no answer in time'
      : typeof cause?.code === 'string'
        ? cause.code
        : String(thrown);
    return {
      ok: false,
      kind: 'unreachable',
      message: `the ECS agent is unreachable (${why})`,
      answered: false,
    };
  }
}
