/**
 * The line of FIFO message groups waiting to be received, as both stores walk
 * a FIFO queue in send order: groups in line order, as many messages of a
 * group as it has visible before moving to the next, as SQS does. A group
 * whose first message is not visible (in flight, or delayed) is locked;
 * within a group, messages are taken in send order up to the first one not
 * visible.
 *
 * A group's place in line comes from its first message: a message never
 * received waits from its send; one received and visible again rejoins the
 * line when it became visible, behind the groups already waiting (SQS's
 * order, issue 18); ties go to the earlier send.
 */
export interface FifoRow {
  id: number;
  receive_count: number;
  sent_at: number;
  visible_at: number;
  group_id: string | null;
}

type Place = readonly [since: number, rejoined: 0 | 1, id: number];

const placeOf = (head: FifoRow): Place =>
  head.receive_count > 0 ? [head.visible_at, 1, head.id] : [head.sent_at, 0, head.id];

const before = (a: Place, b: Place): number => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];

interface Group<R> {
  place: Place;
  /** Its visible messages in send order, up to the first one not visible. */
  open: R[];
  /** A message not visible was met: nothing later in the group may be taken. */
  closed: boolean;
}

export class FifoLine<R extends FifoRow> {
  readonly #groups = new Map<string | null, Group<R>>();
  #line: Group<R>[] = [];

  constructor(
    private readonly now: number,
    private readonly max: number,
  ) {}

  /**
   * Adds the next page of the queue's rows (send order). True when the walk
   * may stop: the page was the last, or the groups seen fill the receive and
   * no group further on can come before them (a group not yet seen waits at
   * least since the send of the last row walked).
   */
  add(rows: R[], pageSize: number): boolean {
    for (const row of rows) {
      let group = this.#groups.get(row.group_id);
      if (!group) {
        group = { place: placeOf(row), open: [], closed: false };
        this.#groups.set(row.group_id, group);
      }
      if (group.closed) continue;
      if (row.visible_at > this.now) group.closed = true;
      else group.open.push(row);
    }
    this.#line = [...this.#groups.values()]
      .filter((g) => g.open.length > 0)
      .sort((a, b) => before(a.place, b.place));
    const last = rows[rows.length - 1];
    if (rows.length < pageSize || !last) return true;
    const horizon: Place = [last.sent_at, 0, last.id];
    let settled = 0;
    for (const g of this.#line) {
      if (before(g.place, horizon) > 0) break;
      settled += g.open.length;
      if (settled >= this.max) return true;
    }
    return false;
  }

  /** The messages that may be received, in the order to take them. */
  candidates(): R[] {
    return this.#line.flatMap((g) => g.open);
  }
}
