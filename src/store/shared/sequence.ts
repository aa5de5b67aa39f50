/**
 * A FIFO message's SequenceNumber as AWS writes them: a 20-digit decimal with
 * no zero padding (e.g. 18849496460467696128), increasing per queue. Here
 * 10^19 + the queue's creation time (ms) × 10^6 + the queue's send counter:
 * each queue numbers from a base of its own, and the sum stays within 20
 * digits for centuries at any plausible send rate.
 */
export function sequenceNumber(queueCreatedAt: number, counter: number): string {
  return (10n ** 19n + BigInt(queueCreatedAt) * 1_000_000n + BigInt(counter)).toString();
}
