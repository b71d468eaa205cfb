import { homedir } from 'node:os';
import type { LogLine, RunReporter, State } from '../core/index.js';
import { LOG_LEVELS } from '../core/log-levels.js';
import { resolveFlowdeckHome } from '../core/settings/home.js';
import { SETTINGS } from '../core/settings/registry.js';
import type { ArtifactSink } from './artifact-sink.js';
import type { BlockSource } from './blocks/block-source.js';
import type { DeploymentHost } from './deployments/host.js';
import type { ResultStores } from './result-storage.js';
import type { VariableHost } from './variables.js';

/** A state change the engine has had accepted, for progress displays. */
export interface RunEvent {
  kind: 'flow' | 'task';
  runId: string;
  runName: string;
  flowRunId: string;
  state: State;
}

interface EngineSettings {
  /** Where runs are reported. Set by whoever starts flows: the CLI, a worker, a test. */
  reporter: RunReporter | null;
  /** FLOWDECK_HOME: persisted results live under it. */
  home: string;
  /** Log lines below this level are dropped. */
  logLevel: number;
  /** Where log lines are shown as they happen; null shows nothing. */
  consoleSink: ((line: LogLine, runName: string) => void) | null;
  /** Told of every accepted state change. */
  onEvent: ((event: RunEvent) => void) | null;
  heartbeatSeconds: number;
  cancelGraceSeconds: number;
  /** Where `flow.deploy()` and `flow.serve()` register deployments and run served runs; null outside the CLI. */
  deploymentHost: DeploymentHost | null;
  /** Where the artifact functions record artifacts; null outside the CLI. */
  artifacts: ArtifactSink | null;
  /** Where `Variable.get`, `Variable.set` and `Variable.unset` reach variables; null outside the CLI. */
  variables: VariableHost | null;
  /** Where `loadBlock` and `Secret.load` read blocks; null outside the CLI. */
  blocks: BlockSource | null;
  /** Where results go when a default result storage is set, and how stored refs are read; null keeps them in FLOWDECK_HOME. */
  results: ResultStores | null;
}

/** The level the environment asks for; a missing or unreadable one leaves the default. */
function levelFromEnv(value: string | undefined): number {
  const fallback = SETTINGS.FLOWDECK_LOGGING_LEVEL.default;
  if (!value) return LOG_LEVELS[fallback];
  try {
    return LOG_LEVELS[SETTINGS.FLOWDECK_LOGGING_LEVEL.parse(value)];
  } catch {
    return LOG_LEVELS[fallback];
  }
}

const settings: EngineSettings = {
  reporter: null,
  home: resolveFlowdeckHome(process.env, homedir()),
  logLevel: levelFromEnv(process.env.FLOWDECK_LOGGING_LEVEL),
  consoleSink: null,
  onEvent: null,
  heartbeatSeconds: SETTINGS.FLOWDECK_HEARTBEAT_SECONDS.default,
  cancelGraceSeconds: SETTINGS.FLOWDECK_CANCEL_GRACE_SECONDS.default,
  deploymentHost: null,
  artifacts: null,
  variables: null,
  blocks: null,
  results: null,
};

export function configureEngine(changes: Partial<EngineSettings>): EngineSettings {
  Object.assign(settings, changes);
  return settings;
}

export function engineSettings(): Readonly<EngineSettings> {
  return settings;
}

export function requireReporter(): RunReporter {
  if (!settings.reporter) {
    throw new Error('no run store is configured: run flow files with `flowdeck run FILE`, or call configureEngine({ reporter }) first');
  }
  return settings.reporter;
}
