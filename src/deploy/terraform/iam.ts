/**
 * IAM roles as Terraform writes them: a role a service assumes, with one
 * inline policy, its statements' resources given as expressions. A role's
 * name is `<deploy.name>-<role>` when that fits IAM's 64 characters, else a
 * prefix Terraform completes.
 */
import { jsonDocument, ref, type Value } from './template.ts';

const ROLE_NAME_MAX = 64;
const ROLE_PREFIX_MAX = 38;

export interface Statement {
  readonly actions: readonly string[];
  readonly resources: readonly Value[];
  readonly sid?: string;
}

/** `name`, or `name_prefix` when `<prefix>-<role>` is too long for IAM. */
export function roleName(prefix: string, role: string): Record<string, string> {
  const name = `${prefix}-${role}`;
  return name.length <= ROLE_NAME_MAX ? { name } : { name_prefix: `${name.slice(0, ROLE_PREFIX_MAX - 1)}-` };
}

/**
 * An aws_iam_role that `service` (ecs-tasks, pipes, states) assumes; `account` limits it to this
 * account's callers where the service sets aws:SourceAccount.
 */
export function role(
  prefix: string,
  name: string,
  description: string,
  service: string,
  account?: Value,
): Value {
  return {
    ...roleName(prefix, name),
    description,
    assume_role_policy: jsonDocument({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: `${service}.amazonaws.com` },
          Action: 'sts:AssumeRole',
          ...(account === undefined ? {} : { Condition: { StringEquals: { 'aws:SourceAccount': account } } }),
        },
      ],
    }),
  };
}

/** An aws_iam_role_policy on the role labelled `roleLabel`. */
export function inlinePolicy(roleLabel: string, name: string, statements: readonly Statement[]): Value {
  return {
    name,
    role: ref(`aws_iam_role.${roleLabel}.id`),
    policy: jsonDocument({
      Version: '2012-10-17',
      Statement: statements.map((s) => ({
        ...(s.sid === undefined ? {} : { Sid: s.sid }),
        Effect: 'Allow',
        Action: [...s.actions],
        Resource: [...s.resources],
      })),
    }),
  };
}
