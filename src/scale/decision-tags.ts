/**
 * The supervisor's recent scaling decisions, kept where a server (and its
 * dashboard) can read them: tags on the first queue `sluice scale` samples,
 * as the scheduler keeps its last tick (`sluice:schedule:NAME`,
 * src/scheduler/send.ts). Key `sluice:scale:<prefix>:<n>`, n = 1 (newest) …
 * DECISIONS_KEPT; value `<ISO time> <from> <to> <reason>`.
 *
 * SQS allows a tag value 256 characters of letters, digits, spaces and
 * `_ . : / = + - @` only, so the reason is escaped (`=XX` per UTF-8 byte of
 * any other character, as quoted-printable does) and cut to fit with "...".
 * The full reason is in the supervisor's log.
 */
import type { Logger } from 'pino';
import type { QueueClient } from '../client/queue-client.ts';

/** Decisions kept per supervisor (tags on one queue; SQS allows 50 in all). */
export const DECISIONS_KEPT = 5;
const TAG = 'sluice:scale:';
const MAX_VALUE = 256;

export interface ScaleDecision {
  /** Epoch ms. */
  readonly at: number;
  readonly from: number;
  readonly to: number;
  readonly reason: string;
}

const SAFE = /^[A-Za-z0-9 _.:/+\-@]$/;
const escapeChar = (ch: string) =>
  SAFE.test(ch)
    ? ch
    : [...Buffer.from(ch)].map((b) => `=${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');

/** One decision as a tag value SQS accepts (at most 256 characters). */
export function encodeDecision(d: ScaleDecision): string {
  const head = `${new Date(d.at).toISOString()} ${d.from} ${d.to} `;
  const parts = Array.from(d.reason, escapeChar);
  const full = head + parts.join('');
  if (full.length <= MAX_VALUE) return full;
  let cut = head;
  for (const part of parts) {
    if (cut.length + part.length > MAX_VALUE - 3) break;
    cut += part;
  }
  return `${cut}...`;
}

export function decodeDecision(value: string): ScaleDecision | undefined {
  const m = /^(\S+) (\d+) (\d+) (.*)$/s.exec(value);
  const at = Date.parse(m?.[1] ?? '');
  if (!m || !Number.isFinite(at)) return undefined;
  let reason: string;
  try {
    reason = decodeURIComponent(m[4]!.replace(/%/g, '%25').replace(/=([0-9A-F]{2})/g, '%$1'));
  } catch {
    reason = m[4]!;
  }
  return { at, from: Number(m[2]), to: Number(m[3]), reason };
}

/** Each supervisor's decisions found in one queue's tags, by prefix, newest first. */
export function decisionsInTags(tags: Record<string, string>): Map<string, ScaleDecision[]> {
  const out = new Map<string, ScaleDecision[]>();
  for (const [key, value] of Object.entries(tags)) {
    const m = /^sluice:scale:(.+):\d+$/.exec(key);
    const decision = m ? decodeDecision(value) : undefined;
    if (!m || !decision) continue;
    out.set(m[1]!, [...(out.get(m[1]!) ?? []), decision]);
  }
  for (const list of out.values()) list.sort((a, b) => b.at - a.at);
  return out;
}

/**
 * Records a supervisor's decisions in its queue's tags, the last
 * DECISIONS_KEPT of them, one TagQueue call per decision, in order. A failed
 * write (no sqs:TagQueue permission, say) is logged and scaling goes on.
 *
 * @example
 * const decisions = new DecisionTags({ client, queueUrl, prefix: 'push', log });
 * decisions.record({ at: Date.now(), from: 1, to: 3, reason: 'target tracking: …' });
 * await decisions.flush();
 */
export class DecisionTags {
  readonly #o: { client: QueueClient; queueUrl: string; prefix: string; log: Logger };
  #recent: ScaleDecision[] = [];
  #writing: Promise<void> = Promise.resolve();
  #warned = false;

  constructor(options: { client: QueueClient; queueUrl: string; prefix: string; log: Logger }) {
    this.#o = options;
  }

  record(decision: ScaleDecision): void {
    this.#recent = [decision, ...this.#recent].slice(0, DECISIONS_KEPT);
    const Tags = Object.fromEntries(
      this.#recent.map((d, i) => [`${TAG}${this.#o.prefix}:${i + 1}`, encodeDecision(d)]),
    );
    this.#writing = this.#writing
      .then(() => this.#o.client.tagQueue({ QueueUrl: this.#o.queueUrl, Tags }))
      .catch((err: unknown) => {
        if (this.#warned) return;
        this.#warned = true;
        this.#o.log.warn(
          { err, queueUrl: this.#o.queueUrl },
          'could not tag the queue with scaling decisions',
        );
      });
  }

  /** Resolves when every decision recorded so far is written (or failed). */
  flush(): Promise<void> {
    return this.#writing;
  }
}
