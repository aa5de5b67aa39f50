/**
 * sluice's public API. Everything a user imports comes from here; internals
 * are not reachable through the package's `exports` map.
 */
export {
  type AwsClientOptions,
  awsClient,
  type ClientConfig,
  createClient,
  localClient,
  type QueueClient,
} from './client/index.ts';
export {
  type ConfigContext,
  type ConfigInput,
  defineConfig,
  type QueueConfig,
  type SluiceConfig,
} from './config/config-file.ts';
export { defineProducer } from './config/producer.ts';
export type { ProfileInput } from './config/profiles.ts';
export type { QueueAlarm } from './deploy/aws/alarms.ts';
export type { Dashboard, Widget } from './deploy/aws/dashboard.ts';
export type { QueueGrant, TaskRole } from './deploy/aws/iam.ts';
export { type LoadAwsModelOptions, loadAwsModel } from './deploy/aws/load.ts';
export type { Metric, MetricQuery, QueueMetric, ServiceMetric } from './deploy/aws/metrics.ts';
export { type AwsModel, awsModel } from './deploy/aws/model.ts';
export type { AwsPipe, CapacityProviderItem } from './deploy/aws/pipe.ts';
export type { AwsDeadLetterQueue, AwsQueue } from './deploy/aws/queues.ts';
export {
  type AgeRow,
  type AgeStepPolicy,
  type AwsScaling,
  absoluteAges,
  type StepAdjustment,
  type StepPolicy,
  type TargetTracking,
} from './deploy/aws/scaling.ts';
export type { AwsService } from './deploy/aws/service.ts';
export { DeployModelError } from './deploy/model.ts';
export {
  parseScalePolicy,
  type ScalePolicy,
  ScalePolicyError,
  type ScalePolicyInput,
  type StepBand,
} from './scale/config.ts';
export { type CapacityInput, type CapacityPlan, planCapacity } from './scale/plan.ts';
export { decideScale, type Sample, type ScaleDecision, type ScaleState } from './scale/policy.ts';
export {
  type CatchUp,
  defineSchedule,
  isSchedule,
  nextFireTimes,
  type RunningScheduler,
  type Schedule,
  type ScheduleBody,
  type ScheduleOptions,
  type ScheduleRun,
  type SchedulerOptions,
  type Sent,
  startScheduler,
  type Tick,
} from './scheduler/index.ts';
export { ERRORS, type ErrorName, type ErrorSpec, isSqsError, SqsError } from './sqs/errors.ts';
export type * from './sqs/types.ts';
export {
  openPostgresStore,
  type PgConnectionOptions,
  type PostgresStore,
  type PostgresStoreOptions,
} from './store/postgres/index.ts';
export { openSqliteStore, type SqliteStoreOptions } from './store/sqlite/index.ts';
export { DEFAULT_IDENTITY, type Store, type StoreIdentity } from './store/store.ts';
export type * from './store/types.ts';
export { type Clock, ManualClock, systemClock } from './time/clock.ts';
export {
  type BatchContext,
  type BatchHandler,
  type BatchItemFailures,
  type BatchResult,
  defineWorker,
  isWorkerDefinition,
  type MessageHandler,
  type WorkerContext,
  type WorkerDefinition,
  type WorkerOptions,
  type WorkerSettings,
} from './worker/define.ts';
export { PermanentError, SchemaError } from './worker/errors.ts';
export type { WorkerMessage } from './worker/message.ts';
export { type RunningWorkers, type RunWorkersOptions, runWorkers } from './worker/run.ts';
export type { StandardSchemaV1 } from './worker/standard-schema.ts';
export {
  type RunningWorker,
  type StartWorkerOptions,
  startWorker,
  type WorkerMetricsSink,
  type WorkerState,
} from './worker/worker.ts';
