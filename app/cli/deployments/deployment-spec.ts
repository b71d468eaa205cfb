import type { CatchUpRule, CollisionStrategy } from '../../core/api/deployments.js';
import type { Schedule } from '../../core/schedules/index.js';

/** One deployment as flowdeck.yaml (or `deploy FILE --name N`) describes it, checked but not yet deployed. */
export interface DeploymentSpec {
  name: string;
  /** The flow file, relative to the project root with '/' separators. */
  file: string;
  /** The export that is the flow; `default` when none was named. */
  exportName: string;
  description: string | null;
  version: string | null;
  tags: string[];
  parameters: Record<string, unknown>;
  workPool: string | null;
  workQueue: string | null;
  schedules: Schedule[];
  concurrencyLimit: number | null;
  collisionStrategy?: CollisionStrategy;
  catchUp?: CatchUpRule;
  paused?: boolean;
  /** `--param key=value` pairs, read against the flow's parameter schema once it is loaded, over `parameters`. */
  paramPairs?: string[];
  /**
   * Where a key of it was written, to start a message about it: `flowdeck.yaml:4: deployments[0].parameters.limit`
   * for ['parameters', 'limit'] (the line of the nearest key that is in the file); `parameters.limit` on the command line.
   */
  at(path: readonly (string | number)[]): string;
}

/** `path/file.ts:export` split in two; a colon followed by a path is part of the path. */
export function splitEntrypoint(entrypoint: string): { file: string; exportName: string } {
  const colon = entrypoint.lastIndexOf(':');
  const tail = colon < 0 ? '' : entrypoint.slice(colon + 1);
  if (colon < 0 || tail.includes('/') || tail.includes('\\')) return { file: entrypoint, exportName: 'default' };
  return { file: entrypoint.slice(0, colon), exportName: tail || 'default' };
}
