/**
 * Which attributes a ReceiveMessage asks for. Amazon SQS ignores names it does
 * not know in both lists rather than failing the call (recorded in
 * test_receive_message_attribute_names_filters: ["SenderId", "SequenceNumber"]
 * on a standard queue returns SenderId alone; and in
 * test_receive_message_message_attribute_names_filters: "AWS." and "..foo"
 * return no attributes and no error).
 */

/** System attribute names a ReceiveMessage can ask for ('All' selects every one). */
export const SYSTEM_ATTRIBUTE_NAMES = [
  'All',
  'ApproximateFirstReceiveTimestamp',
  'ApproximateReceiveCount',
  'AWSTraceHeader',
  'DeadLetterQueueSourceArn',
  'MessageDeduplicationId',
  'MessageGroupId',
  'SenderId',
  'SentTimestamp',
  'SequenceNumber',
] as const;

const KNOWN_SYSTEM = new Set<string>(SYSTEM_ATTRIBUTE_NAMES);

/**
 * Selector for AttributeNames / MessageSystemAttributeNames. A message only
 * carries the system attributes its queue type has, so selecting
 * SequenceNumber on a standard queue yields nothing.
 * @example systemAttributeSelector(['SenderId'])('SenderId'); // true
 */
export function systemAttributeSelector(names: string[] | undefined): (name: string) => boolean {
  const wanted = new Set((names ?? []).filter((n) => KNOWN_SYSTEM.has(n)));
  if (wanted.has('All')) return () => true;
  return (name) => wanted.has(name);
}

/**
 * The system attribute names a request asks for. With the JSON protocol SQS
 * answers MessageSystemAttributeNames when both lists are given
 * (test_message_system_attribute_names_with_attribute_names[sqs]); with the
 * query protocol it answered the deprecated AttributeNames (…[sqs_query]).
 */
export function requestedSystemAttributeNames(
  input: { AttributeNames?: string[]; MessageSystemAttributeNames?: string[] },
  protocol: 'json' | 'query' = 'json',
): string[] | undefined {
  const { AttributeNames: legacy, MessageSystemAttributeNames: current } = input;
  if (protocol === 'query') return legacy?.length ? legacy : current;
  return current?.length ? current : legacy;
}

/**
 * Selector for MessageAttributeNames: 'All', '.*' or '*' select all; 'prefix.*'
 * selects names starting with prefix ("Hel.*" selects "Hello" and "Help.Me");
 * anything else must match exactly.
 * @example messageAttributeSelector(['Hel.*'])('Hello'); // true
 */
export function messageAttributeSelector(names: string[] | undefined): (name: string) => boolean {
  const list = names ?? [];
  if (list.some((n) => n === 'All' || n === '.*' || n === '*')) return () => true;
  const exact = new Set(list.filter((n) => !n.endsWith('.*')));
  const prefixes = list.filter((n) => n.endsWith('.*')).map((n) => n.slice(0, -2));
  return (name) => exact.has(name) || prefixes.some((p) => name.startsWith(p));
}
