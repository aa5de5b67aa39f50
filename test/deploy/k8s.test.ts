/**
 * `sluice deploy k8s`: every object it writes passes the Kubernetes and KEDA
 * schemas (the npm packages kubernetes-models and @kubernetes-models/keda,
 * generated from the API's OpenAPI and KEDA's CRDs), and carries the model's
 * numbers where Kubernetes reads them.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ScaledJob } from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledJob';
import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { parse, parseAllDocuments } from 'yaml';
import { renderK8s } from '../../src/deploy/k8s/index.ts';
import { deployModel } from '../../src/deploy/model.ts';
import { configOf, QUEUE } from './configs.ts';

const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'apps/v1 Deployment': Deployment,
  'autoscaling/v2 HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'keda.sh/v1alpha1 ScaledObject': ScaledObject,
  'keda.sh/v1alpha1 ScaledJob': ScaledJob,
};

type K8sObject = Record<string, never> & { apiVersion: string; kind: string };

function objectsOf(files: Readonly<Record<string, string>>): Record<string, K8sObject> {
  return Object.fromEntries(
    Object.entries(files).map(([name, text]) => {
      const docs = parseAllDocuments(text);
      assert.equal(docs.length, 1, `${name}: one object`);
      return [name, docs[0]?.toJS() as K8sObject];
    }),
  );
}

function validateAll(objects: Record<string, K8sObject>): void {
  for (const [name, object] of Object.entries(objects)) {
    const Model = MODELS[`${object.apiVersion} ${object.kind}`];
    assert.ok(Model, `${name}: no schema for ${object.apiVersion} ${object.kind}`);
    assert.doesNotThrow(() => new Model(object as never).validate(), `${name} is valid`);
  }
}

const settings = [
  ['a sluice server', { endpoint: 'http://sluice-server.queues.svc:9324', namespace: 'workers' }, {}],
  [
    'Amazon SQS with age steps',
    { accountId: '123456789012', region: 'eu-west-1', authRef: 'keda-aws' },
    { steps: true },
  ],
] as const;

describe('sluice deploy k8s', () => {
  for (const [where, deploy, numbers] of settings)
    it(`writes objects the Kubernetes and KEDA schemas accept (${where})`, () => {
      const model = deployModel(configOf(numbers, deploy), { configFile: 'sluice.config.ts' });
      const objects = objectsOf(renderK8s(model).files);
      assert.deepEqual(Object.keys(objects).sort(), [
        'deployment.yaml',
        'hpa.yaml',
        'scaledjob.yaml',
        'scaledobject.yaml',
      ]);
      validateAll(objects);
    });

  it('the schemas do refuse a wrong object (the check is live)', () => {
    const model = deployModel(configOf({}, settings[0][1]), { configFile: 'sluice.config.ts' });
    const { files } = renderK8s(model);
    const broken = objectsOf({
      'deployment.yaml': (files['deployment.yaml'] ?? '').replace(
        'containerPort: 3003',
        'containerPort: health',
      ),
    });
    assert.throws(() => validateAll(broken), /containerPort must be integer/);
  });

  it('puts the model’s numbers where Kubernetes and KEDA read them', () => {
    const model = deployModel(configOf({ max: 6, target: 40, shutdownTimeoutSeconds: 50 }, settings[0][1]), {
      configFile: 'sluice.config.ts',
    });
    // yaml's parse gives untyped objects: reading their fields is what this test checks.
    const o = Object.fromEntries(Object.entries(renderK8s(model).files).map(([n, text]) => [n, parse(text)]));
    const pod = o['deployment.yaml'].spec.template.spec;
    assert.equal(o['deployment.yaml'].spec.replicas, undefined, 'the ScaledObject owns the count');
    assert.equal(pod.terminationGracePeriodSeconds, 60, 'shutdown timeout 50 s + the margin');
    assert.deepEqual(pod.securityContext, {
      runAsNonRoot: true,
      runAsUser: 1000,
      runAsGroup: 1000,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    const [c] = pod.containers;
    assert.deepEqual(c.args, ['start', 'sluice.config.ts', '--create-queues']);
    assert.deepEqual(c.env[0], {
      name: 'WORKER_ID',
      valueFrom: { fieldRef: { fieldPath: 'metadata.name' } },
    });
    assert.ok(
      c.env.some(
        (e: { name: string; value: string }) =>
          e.name === 'WORKER_SHUTDOWN_TIMEOUT_MS' && e.value === '50000',
      ),
    );
    assert.deepEqual(c.ports, [{ name: 'health', containerPort: 3003, protocol: 'TCP' }]);
    assert.equal(c.livenessProbe.httpGet.path, '/health');
    assert.equal(c.readinessProbe.httpGet.path, '/ready');
    assert.deepEqual(c.resources, {
      requests: { cpu: '250m', memory: '256Mi' },
      limits: { memory: '256Mi' },
    });

    const so = o['scaledobject.yaml'].spec;
    assert.equal(so.minReplicaCount, 0);
    assert.equal(so.maxReplicaCount, 6);
    assert.deepEqual(so.triggers[0].metadata, {
      queueURL: `http://sluice-server.queues.svc:9324/000000000000/${QUEUE}`,
      queueLength: '40',
      activationQueueLength: '0',
      awsRegion: 'us-east-1',
      awsEndpoint: 'http://sluice-server.queues.svc:9324',
      scaleOnInFlight: 'true',
      scaleOnDelayed: 'false',
    });
    assert.equal(o['hpa.yaml'].spec.minReplicas, 1, 'an HPA cannot go below 1');
    assert.equal(o['hpa.yaml'].spec.maxReplicas, 6);
    assert.equal(o['scaledjob.yaml'].spec.jobTargetRef.template.spec.restartPolicy, 'Never');
    assert.deepEqual(o['scaledjob.yaml'].spec.triggers, so.triggers);
  });

  it('on Amazon SQS the age steps are a CloudWatch trigger, named in a comment', () => {
    const model = deployModel(configOf(settings[1][2], settings[1][1]), { configFile: 'sluice.config.ts' });
    const { files, warnings } = renderK8s(model);
    assert.match(
      files['scaledobject.yaml'] ?? '',
      /^# MESSAGE AGE: KEDA's aws-sqs-queue scaler cannot scale on it \(kedacore\/keda#5754\)/m,
    );
    const triggers: { type: string }[] = parse(files['scaledobject.yaml'] ?? '').spec.triggers;
    assert.deepEqual(
      triggers.map((t) => t.type),
      ['aws-sqs-queue', 'aws-cloudwatch'],
    );
    assert.match(warnings.join('\n'), /approximated by an aws-cloudwatch trigger/);
  });
});
