// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Terraform's own ${…} syntax
/**
 * Terraform's JSON syntax reads every string as a template: literal text
 * must come back unchanged (`${`, `%{` escaped), expressions interpolated,
 * and an embedded JSON document must stay JSON around its expressions.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  escapeTemplate,
  jsonDocument,
  ref,
  splice,
  toTerraformJson,
  tpl,
} from '../../../src/deploy/terraform/template.ts';

describe('terraform templates', () => {
  it('escapes literal text so a template reads it back unchanged', () => {
    assert.equal(escapeTemplate('echo ${HOME} %{if} $$ $.body'), 'echo $${HOME} %%{if} $$ $.body');
    assert.deepEqual(
      toTerraformJson({
        command: ['sh', '-c', 'echo ${HOME}'],
        arn: ref('aws_sqs_queue.jobs.arn'),
        id: tpl`service/${ref('local.cluster_name')}/workers`,
        gone: undefined,
      }),
      {
        command: ['sh', '-c', 'echo $${HOME}'],
        arn: '${aws_sqs_queue.jobs.arn}',
        id: 'service/${local.cluster_name}/workers',
      },
    );
  });

  it('interpolates expressions in a JSON document, and splices a list into an array', () => {
    const doc = jsonDocument({
      Resource: [ref('aws_sqs_queue.jobs.arn'), tpl`${ref('aws_cloudwatch_log_group.w.arn')}:*`],
      Subnets: [splice('var.subnets')],
      Note: 'costs ${5}',
    });
    assert.equal(
      toTerraformJson(doc),
      '{"Resource":["${aws_sqs_queue.jobs.arn}","${aws_cloudwatch_log_group.w.arn}:*"],' +
        '"Subnets":[${join(",", [for v in var.subnets : jsonencode(v)])}],"Note":"costs $${5}"}',
    );
  });
});
