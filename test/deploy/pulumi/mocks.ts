/**
 * Pulumi's runtime mocks (no CLI, no cloud): every resource a component
 * registers is recorded with its inputs, and answers with those inputs as
 * its state plus the ARN, name and URL AWS would give it. The mocks are
 * process-global: each test file installs them once (node --test runs each
 * file in a process of its own).
 */
import * as pulumi from '@pulumi/pulumi';

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';

/** A resource as the component registered it (the inputs' outputs resolved). */
export interface Made {
  readonly type: string;
  readonly name: string;
  // biome-ignore lint/suspicious/noExplicitAny: the provider's inputs, as JSON, asserted on by the tests
  readonly inputs: Record<string, any>;
}

const made: Made[] = [];

/** The ARN AWS gives a resource of this type and name (the formats the tests read; others by a pattern). */
function arnOf(type: string, name: string): string {
  const [, module = '', kind = ''] = type.split(':');
  const service = module.split('/')[0];
  switch (type) {
    case 'aws:sqs/queue:Queue':
      return `arn:aws:sqs:${REGION}:${ACCOUNT}:${name}`;
    case 'aws:iam/role:Role':
      return `arn:aws:iam::${ACCOUNT}:role/${name}`;
    case 'aws:ecs/taskDefinition:TaskDefinition':
      return `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/${name}:1`;
    case 'aws:sfn/stateMachine:StateMachine':
      return `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${name}`;
    default:
      return `arn:aws:${service}:${REGION}:${ACCOUNT}:${kind.toLowerCase()}/${name}`;
  }
}

/** Installs the mocks, for a program in `project` run as stack `stack`. */
export async function installMocks({ project = 'sluice', stack = 'test' } = {}): Promise<void> {
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        made.push({ type: args.type, name: args.name, inputs: args.inputs });
        const name: string = args.inputs.name ?? args.inputs.family ?? args.inputs.dashboardName ?? args.name;
        const state = {
          ...args.inputs,
          name,
          arn: arnOf(args.type, name),
          ...(args.type === 'aws:sqs/queue:Queue'
            ? { url: `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${name}` }
            : {}),
        };
        return { id: `${args.name}-id`, state };
      },
      call: (args) => args.inputs,
    },
    project,
    stack,
    false,
  );
}

/**
 * Waits until every resource made so far is registered, and returns those a filter picks.
 * (waitForRPCs drains the runtime's queue of registrations; it is internal, hence the cast.)
 */
export async function registered(filter: (m: Made) => boolean = () => true): Promise<Made[]> {
  await (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
  // The mocks keep no URN; names unique per type (a component's children carry its name) imply unique URNs.
  const seen = new Set<string>();
  for (const { type, name } of made) {
    if (seen.has(`${type}::${name}`)) throw new Error(`two ${type} named ${name}: their URNs could clash`);
    seen.add(`${type}::${name}`);
  }
  return made.filter(filter);
}

/** The resources of a type whose logical name starts with `prefix`. */
export async function ofType(type: string, prefix: string): Promise<Made[]> {
  return registered((m) => m.type === type && m.name.startsWith(prefix));
}

/** The one resource of a type with this logical name. */
export async function one(type: string, name: string): Promise<Made> {
  const found = await registered((m) => m.type === type && m.name === name);
  if (found.length !== 1) throw new Error(`${found.length} resources ${type} named ${name}`);
  return found[0]!;
}
