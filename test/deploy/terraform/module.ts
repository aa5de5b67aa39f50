// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Terraform's own ${…} syntax
/**
 * A written Terraform module, read back for the tests, and what can be
 * checked of it without a Terraform binary:
 *
 * - REQUIRED: the required arguments of each resource type the module
 *   uses, nested blocks included, from the hashicorp/aws provider's
 *   documentation (registry.terraform.io/providers/hashicorp/aws, resources
 *   pages, v5 and v6 alike) and its schema where the page lags
 *   (aws_pipes_pipe's target_parameters.ecs_task_parameters);
 * - ATTRIBUTES: the attributes a reference may read, by type;
 * - every `${…}` reference names a declared variable, local or resource;
 * - every string that holds a JSON document (policies, container
 *   definitions, dashboard body, state machine, redrive policy) is JSON
 *   once its interpolations are filled in.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
// biome-ignore lint/suspicious/noExplicitAny: parsed JSON, read by the assertions
export type Body = Record<string, any>;

/**
 * Paths of required arguments; `a.b` is argument b of nested block a, `a[]` each of block a's
 * occurrences. A requirement in a nested block applies where the block is present.
 */
export const REQUIRED: Record<string, readonly string[]> = {
  aws_sqs_queue: [],
  aws_sqs_queue_policy: ['queue_url', 'policy'],
  aws_cloudwatch_metric_alarm: [
    'alarm_name',
    'comparison_operator',
    'evaluation_periods',
    'metric_query[].id',
    'metric_query[].metric.metric_name',
    'metric_query[].metric.period',
    'metric_query[].metric.stat',
  ],
  aws_cloudwatch_log_group: [],
  aws_cloudwatch_dashboard: ['dashboard_name', 'dashboard_body'],
  aws_ecs_cluster: ['name', 'setting[].name', 'setting[].value'],
  aws_ecs_cluster_capacity_providers: ['cluster_name'],
  aws_ecs_task_definition: ['family', 'container_definitions'],
  aws_ecs_service: [
    'name',
    'capacity_provider_strategy[].capacity_provider',
    'deployment_circuit_breaker.enable',
    'deployment_circuit_breaker.rollback',
    'network_configuration.subnets',
    'lifecycle.precondition[].condition',
    'lifecycle.precondition[].error_message',
  ],
  aws_iam_role: ['assume_role_policy'],
  aws_iam_role_policy: ['policy', 'role'],
  aws_appautoscaling_target: [
    'max_capacity',
    'min_capacity',
    'resource_id',
    'scalable_dimension',
    'service_namespace',
  ],
  aws_appautoscaling_policy: [
    'name',
    'resource_id',
    'scalable_dimension',
    'service_namespace',
    'step_scaling_policy_configuration.step_adjustment[].scaling_adjustment',
    'target_tracking_scaling_policy_configuration.target_value',
    'target_tracking_scaling_policy_configuration.customized_metric_specification.metrics[].id',
    'target_tracking_scaling_policy_configuration.customized_metric_specification.metrics[].metric_stat.metric',
    'target_tracking_scaling_policy_configuration.customized_metric_specification.metrics[].metric_stat.stat',
    'target_tracking_scaling_policy_configuration.customized_metric_specification.metrics[].metric_stat.metric.metric_name',
    'target_tracking_scaling_policy_configuration.customized_metric_specification.metrics[].metric_stat.metric.namespace',
    'target_tracking_scaling_policy_configuration.customized_metric_specification.metrics[].metric_stat.metric.dimensions[].name',
    'target_tracking_scaling_policy_configuration.customized_metric_specification.metrics[].metric_stat.metric.dimensions[].value',
  ],
  aws_pipes_pipe: [
    'role_arn',
    'source',
    'target',
    'target_parameters.ecs_task_parameters.task_definition_arn',
    'target_parameters.ecs_task_parameters.capacity_provider_strategy[].capacity_provider',
    'target_parameters.step_function_state_machine_parameters.invocation_type',
    'lifecycle.precondition[].condition',
    'lifecycle.precondition[].error_message',
  ],
  aws_sfn_state_machine: ['definition', 'role_arn'],
};

/** The attributes a reference may read (each documented under the resource's Attribute Reference). */
const ATTRIBUTES: Record<string, readonly string[]> = {
  aws_sqs_queue: ['arn', 'id', 'name', 'url'],
  aws_iam_role: ['arn', 'id', 'name'],
  aws_ecs_cluster: ['arn', 'name'],
  aws_ecs_service: ['name'],
  aws_ecs_task_definition: ['arn'],
  aws_cloudwatch_log_group: ['arn', 'name'],
  aws_cloudwatch_dashboard: ['dashboard_name'],
  aws_appautoscaling_target: ['resource_id', 'scalable_dimension', 'service_namespace'],
  aws_appautoscaling_policy: ['arn'],
  aws_sfn_state_machine: ['arn'],
  aws_pipes_pipe: ['arn'],
};

export interface Module {
  /** File name → parsed JSON. */
  readonly files: Record<string, Body>;
  /** File name → bytes. */
  readonly raw: Record<string, string>;
  /** type → label → arguments, over every file. */
  readonly resources: Record<string, Record<string, Body>>;
  readonly variables: Record<string, Body>;
  readonly locals: Record<string, Json>;
}

export function readModule(dir: string): Module {
  const raw = Object.fromEntries(
    readdirSync(dir)
      .sort()
      .map((name) => [name, readFileSync(join(dir, name), 'utf8')]),
  );
  const files = Object.fromEntries(Object.entries(raw).map(([n, t]) => [n, JSON.parse(t) as Body]));
  const resources: Record<string, Record<string, Body>> = {};
  const variables: Record<string, Body> = {};
  const locals: Record<string, Json> = {};
  for (const [name, f] of Object.entries(files))
    for (const [type, byLabel] of Object.entries((f.resource ?? {}) as Record<string, Record<string, Body>>))
      for (const [label, body] of Object.entries(byLabel)) {
        assert.equal(resources[type]?.[label], undefined, `${name}: ${type}.${label} declared twice`);
        resources[type] = { ...resources[type], [label]: body };
      }
  for (const f of Object.values(files)) {
    Object.assign(variables, f.variable);
    Object.assign(locals, f.locals);
  }
  return { files, raw, resources, variables, locals };
}

/** The values at a path of required arguments, and whether each is there. */
function missing(body: Body, path: string): string[] {
  const [head, ...rest] = path.split('.');
  const many = head!.endsWith('[]');
  const key = many ? head!.slice(0, -2) : head!;
  const value = body[key];
  if (rest.length === 0) return value === undefined || value === null ? [path] : [];
  if (value === undefined) return []; // the block is absent: its own requirements do not apply
  const blocks = Array.isArray(value) ? value : [value];
  return blocks.flatMap((b: Body) => missing(b, rest.join('.')).map((m) => `${key}.${m}`));
}

/** Fails naming each resource of an unknown type, or without a required argument. */
export function checkRequired(m: Module): void {
  for (const [type, byLabel] of Object.entries(m.resources)) {
    const required = REQUIRED[type];
    assert.ok(required, `${type}: not in the table of required arguments`);
    for (const [label, body] of Object.entries(byLabel))
      for (const path of required)
        assert.deepEqual(missing(body, path), [], `${type}.${label}: missing ${path}`);
  }
  for (const [label, alarm] of Object.entries(m.resources.aws_cloudwatch_metric_alarm ?? {}))
    if (alarm.metric_query === undefined)
      for (const arg of ['metric_name', 'namespace', 'period', 'statistic'])
        assert.ok(
          alarm[arg] !== undefined,
          `aws_cloudwatch_metric_alarm.${label}: no metric_query, so ${arg}`,
        );
  for (const [name, v] of Object.entries(m.variables)) assert.ok(v.type, `variable ${name}: a type`);
  // Terraform 1.0 and 1.1 refuse a message that is not a sentence.
  for (const message of errorMessages(m.files as Json))
    assert.match(message, /^[A-Z][\s\S]*[.?]$/, `error_message is not a sentence: ${message}`);
}

function errorMessages(value: Json, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) errorMessages(v, out);
  else if (value !== null && typeof value === 'object')
    for (const [key, v] of Object.entries(value))
      if (key === 'error_message' && typeof v === 'string') out.push(v);
      else errorMessages(v, out);
  return out;
}

function strings(value: Json, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (value !== null && typeof value === 'object') for (const v of Object.values(value)) strings(v, out);
  return out;
}

/** Where the interpolation starting at `at` (`${`) ends: its closing brace, string literals skipped. */
function interpolationEnd(text: string, at: number): number {
  let depth = 0;
  for (let j = at + 2; j < text.length; j++) {
    const c = text[j];
    if (c === '"') {
      for (j++; j < text.length && text[j] !== '"'; j++) if (text[j] === '\\') j++;
    } else if (c === '{') depth++;
    else if (c === '}') {
      if (depth === 0) return j;
      depth--;
    }
  }
  throw new Error(`an unclosed interpolation in ${text}`);
}

/**
 * A template's interpolations, and the text Terraform would make of it with each interpolation
 * kept as `${…}` (an interpolation outside a JSON string becomes one), the escapes `$${` and
 * `%%{` read back.
 */
export function interpolations(text: string): { exprs: string[]; kept: string } {
  const exprs: string[] = [];
  let kept = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    if (text.startsWith('$${', i) || text.startsWith('%%{', i)) {
      kept += `${text[i]}{`;
      i += 2;
      continue;
    }
    if (text.startsWith('${', i)) {
      const end = interpolationEnd(text, i);
      const expr = text.slice(i + 2, end);
      exprs.push(expr);
      kept += inString ? `\${${expr}}` : JSON.stringify(`\${${expr}}`);
      i = end;
      continue;
    }
    assert.ok(!text.startsWith('%{', i), `a template directive in ${text}`);
    const c = text[i];
    if (c === '\\' && inString) {
      kept += c + (text[i + 1] ?? '');
      i++;
      continue;
    }
    if (c === '"') inString = !inString;
    kept += c;
  }
  return { exprs, kept };
}

/** The references an expression makes (string literals in it left out). */
export function references(expr: string): [string, string, string | undefined][] {
  const code = expr.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  return [...code.matchAll(/\b([A-Za-z_][\w-]*)\.([A-Za-z_][\w-]*)(?:\[[^\]]*\])?(?:\.([A-Za-z_]\w*))?/g)]
    .filter((r) => !/^\d/.test(r[1]!))
    .map((r) => [r[1]!, r[2]!, r[3]]);
}

/** Fails naming each reference to nothing declared, and each JSON document that is not JSON. */
export function checkReferences(m: Module): void {
  const declared = (kind: string, name: string, attribute: string | undefined, where: string) => {
    if (kind === 'var') return assert.ok(m.variables[name], `${where}: var.${name} is not declared`);
    if (kind === 'local') return assert.ok(name in m.locals, `${where}: local.${name} is not declared`);
    if (kind === 'count') return assert.equal(name, 'index', where);
    assert.ok(m.resources[kind]?.[name], `${where}: ${kind}.${name} is not declared`);
    assert.ok(
      attribute === undefined || ATTRIBUTES[kind]?.includes(attribute),
      `${where}: ${kind}.${name}.${attribute} is not an attribute of ${kind}`,
    );
  };
  for (const [file, body] of Object.entries(m.files))
    for (const text of strings(body as Json)) {
      const { exprs, kept } = interpolations(text);
      for (const e of exprs) for (const [kind, name, attr] of references(e)) declared(kind, name, attr, file);
      if (/^[[{]/.test(kept)) assert.doesNotThrow(() => JSON.parse(kept), `${file}: not JSON: ${text}`);
    }
}

/** A JSON document held in a string, parsed, each interpolation kept as its `${…}` text. */
// biome-ignore lint/suspicious/noExplicitAny: parsed JSON, read by the assertions
export const document = (text: string): any => JSON.parse(interpolations(text).kept);
