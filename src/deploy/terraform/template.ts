/**
 * Values as Terraform's JSON syntax reads them. In a `*.tf.json` file every
 * string is a template: `${…}` interpolates an expression and `%{…}` starts
 * a directive. So the renderer never writes a string by hand: literal text
 * (a queue name, a command, an environment value) is escaped (`$${`, `%%{`),
 * and an expression is an `Expr`, written as `${expr}`. A string that is
 * itself a JSON document (an IAM policy, the container definitions, the
 * dashboard body, a state machine) is a `jsonDocument`: its literal text is
 * escaped the same way and the expressions in it are interpolated.
 */

/** A Terraform expression: `ref('aws_sqs_queue.jobs.arn')` is written `"${aws_sqs_queue.jobs.arn}"`. */
export class Expr {
  constructor(readonly expr: string) {}
}

/** Inside a `jsonDocument`'s array: the elements of a list expression, spliced in (`[a, b]` from `var.subnets`). */
export class Splice {
  constructor(readonly expr: string) {}
}

/** Literal text and expressions, written as one template string. */
export class Template {
  constructor(readonly parts: readonly (string | Expr)[]) {}
}

export type Value =
  | string
  | number
  | boolean
  | null
  | Expr
  | Splice
  | Template
  | readonly Value[]
  | { readonly [key: string]: Value | undefined };

/**
 * @example
 * ref('var.subnets'); // written "${var.subnets}": a whole-string interpolation keeps the list a list
 */
export const ref = (expr: string): Expr => new Expr(expr);

/** @example splice('var.subnets') */
export const splice = (expr: string): Splice => new Splice(expr);

/**
 * Literal text with expressions in it.
 *
 * @example
 * tpl`service/${ref('local.cluster_name')}/${ref('aws_ecs_service.workers.name')}`;
 */
export function tpl(strings: TemplateStringsArray, ...values: (string | number | Expr)[]): Template {
  const parts: (string | Expr)[] = [];
  strings.forEach((s, i) => {
    if (s !== '') parts.push(s);
    const v = values[i];
    if (v !== undefined) parts.push(v instanceof Expr ? v : String(v));
  });
  return new Template(parts);
}

/** Literal text as a template reads it back unchanged. */
export const escapeTemplate = (text: string): string =>
  // Replacement functions: in a replacement string `$$` would mean one `$`.
  text.replaceAll('${', () => '$${').replaceAll('%{', () => '%%{');

function templateText(parts: readonly (string | Expr)[]): string {
  return parts.map((p) => (p instanceof Expr ? `\${${p.expr}}` : escapeTemplate(p))).join('');
}

/**
 * The value as it is written in a `*.tf.json` file: plain strings escaped, expressions interpolated,
 * undefined properties left out.
 *
 * @example
 * toTerraformJson({ name: 'a${b}', arn: ref('aws_sqs_queue.a.arn') }); // { name: 'a$${b}', arn: '${aws_sqs_queue.a.arn}' }
 */
export function toTerraformJson(value: Value): unknown {
  return mapLeaves(value, (leaf) => {
    if (typeof leaf === 'string') return escapeTemplate(leaf);
    if (leaf instanceof Expr) return `\${${leaf.expr}}`;
    if (leaf instanceof Template) return templateText(leaf.parts);
    if (leaf instanceof Splice) throw new Error(`splice(${leaf.expr}) belongs in a jsonDocument's array`);
    return leaf;
  });
}

type Leaf = Exclude<Value, readonly Value[] | { readonly [key: string]: Value | undefined }>;

/** The value with each leaf (not an array or a plain object) mapped, undefined properties left out. */
function mapLeaves(value: Value, leaf: (v: Leaf) => unknown): unknown {
  if (Array.isArray(value)) return value.map((v: Value) => mapLeaves(v, leaf));
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value as Record<string, Value | undefined>))
      if (v !== undefined) out[key] = mapLeaves(v, leaf);
    return out;
  }
  return leaf(value as Leaf);
}

// Private-use characters mark where an expression goes while the document is stringified.
const IN_STRING = /\uE000(\d+)\uE001/g;
const SPLICED = /"\uE002(\d+)\uE003"/g;

/**
 * A JSON document with expressions in it, as one template string: an `Expr` inside a string
 * value is interpolated there (it must yield text that needs no JSON escaping: an ARN, a name);
 * a `Splice` in an array becomes the list's elements, each JSON-encoded.
 *
 * @example
 * jsonDocument({ Resource: [tpl`${ref('aws_sqs_queue.a.arn')}`], Subnets: [splice('var.subnets')] });
 * // '{"Resource":["${aws_sqs_queue.a.arn}"],"Subnets":[${join(",", [for v in var.subnets : jsonencode(v)])}]}'
 */
export function jsonDocument(value: Value): Template {
  const exprs: Expr[] = [];
  const mark = (e: Expr) => `\uE000${exprs.push(e) - 1}\uE001`;
  const plain = (v: Leaf): unknown => {
    if (v instanceof Expr) return mark(v);
    if (v instanceof Template) return v.parts.map((p) => (p instanceof Expr ? mark(p) : p)).join('');
    if (v instanceof Splice)
      return `\uE002${exprs.push(ref(`join(",", [for v in ${v.expr} : jsonencode(v)])`)) - 1}\uE003`;
    return v;
  };
  const text = JSON.stringify(mapLeaves(value, plain));
  const parts: (string | Expr)[] = [];
  let at = 0;
  for (const m of text.matchAll(new RegExp(`${IN_STRING.source}|${SPLICED.source}`, 'g'))) {
    if (m.index > at) parts.push(text.slice(at, m.index));
    parts.push(exprs[Number(m[1] ?? m[2])]!);
    at = m.index + m[0].length;
  }
  if (at < text.length) parts.push(text.slice(at));
  return new Template(parts);
}
