/**
 * Fargate's limits: the task sizes it offers (CPU units with the memory each
 * allows) and its longest stop timeout. A size Fargate does not offer is
 * refused here, in one line naming the field and the sizes that would do,
 * rather than by CloudFormation at deploy time.
 */
import { DeployModelError } from '../model.ts';

/** ECS waits at most this long on Fargate between SIGTERM and SIGKILL (stopTimeout). */
export const FARGATE_MAX_STOP_TIMEOUT_SECONDS = 120;

/** CPU units → the memory sizes (MiB) Fargate allows with them. */
const SIZES: ReadonlyMap<number, readonly number[]> = new Map([
  [256, [512, 1024, 2048]],
  [512, range(1024, 4096, 1024)],
  [1024, range(2048, 8192, 1024)],
  [2048, range(4096, 16_384, 1024)],
  [4096, range(8192, 30_720, 1024)],
  [8192, range(16_384, 61_440, 4096)],
  [16_384, range(32_768, 122_880, 8192)],
]);

function range(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let v = from; v <= to; v += step) out.push(v);
  return out;
}

function span(sizes: readonly number[]): string {
  if (sizes.length <= 3) return sizes.join(', ');
  return `${sizes[0]}–${sizes.at(-1)} in steps of ${sizes[1]! - sizes[0]!}`;
}

/** A Fargate task size: CPU units (1024 = 1 vCPU) and memory in MiB. */
export interface FargateSize {
  readonly cpuUnits: number;
  readonly memoryMiB: number;
}

/**
 * The Fargate size for `cpu` vCPUs and `memoryMiB`, or the one-line reason it is none.
 * `field` names the settings in the message (`deploy` or `deploy.aws.pipes[0]`).
 *
 * @example
 * fargateSize(0.25, 512, 'deploy'); // { cpuUnits: 256, memoryMiB: 512 }
 * fargateSize(0.25, 4096, 'deploy'); // throws: deploy.memoryMiB 4096 does not fit 0.25 vCPU on Fargate: use 512, 1024, 2048
 */
export function fargateSize(cpu: number, memoryMiB: number, field: string): FargateSize {
  const cpuUnits = Math.round(cpu * 1024);
  const memories = SIZES.get(cpuUnits);
  if (memories === undefined || Math.abs(cpuUnits - cpu * 1024) > 1e-9)
    throw new DeployModelError(
      `${field}.cpu ${cpu} is not a Fargate size: use ${[...SIZES.keys()].map((u) => u / 1024).join(', ')} (vCPUs)`,
    );
  if (!memories.includes(memoryMiB))
    throw new DeployModelError(
      `${field}.memoryMiB ${memoryMiB} does not fit ${cpu} vCPU on Fargate: use ${span(memories)}`,
    );
  return Object.freeze({ cpuUnits, memoryMiB });
}
