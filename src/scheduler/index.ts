export {
  type CatchUp,
  DEFAULT_MISFIRE_GRACE_MS,
  defineSchedule,
  isSchedule,
  type Schedule,
  type ScheduleBody,
  type ScheduleOptions,
  type Tick,
} from './define.ts';
export {
  type RunningScheduler,
  type ScheduleRun,
  type SchedulerOptions,
  startScheduler,
} from './scheduler.ts';
export type { Sent } from './send.ts';
export { nextFireTimes } from './ticks.ts';
