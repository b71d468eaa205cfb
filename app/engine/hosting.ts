/**
 * What runs flows needs, beside what flow code uses: settings and the reporter, finding the flows a
 * file defines, loading TypeScript flow files, heartbeats and crash sweeps. The CLI, the desktop
 * app, workers and tests import it; flow code imports `flowdeck` (index.ts). Reporting to a server
 * is reporting/index.ts, loaded by whoever has a server to report to.
 */
export { configureEngine, engineSettings, type RunEvent } from './runtime.js';
export type { ArtifactSink } from './artifact-sink.js';
export { isFlow } from './flow.js';
export { registeredFlows, registeredTaskNames } from './registry.js';
export type { DebugListener, StoppedTaskRun } from './debug-session.js';
export { flowSignature } from './flow-parameters.js';
export type { DeclaredParameter } from './parameter-names.js';
export { registerFlowLoader } from './loader/register.js';
export { activeFlowRunIds, crashActiveRuns } from './heartbeats.js';
export { previewOf } from './previews.js';
export type { FlowRunOutcome, FlowRunRequest } from './flow-run-engine.js';
export { loadReusePlan, ResultsElsewhereError } from './reuse-plan.js';
export type { DeploymentHost, ServedDeployment } from './deployments/host.js';
export type { VariableHost } from './variables.js';
export type { DeploymentSpec } from './deployments/check-options.js';
export { flowSource, type FlowSource } from './deployments/flow-source.js';
export type { BlockSource } from './blocks/block-source.js';
export { maskingReporter } from './blocks/masking-reporter.js';
export { maskSecrets, maskSecretsDeep } from './blocks/secret-masks.js';
export { FolderResultStorage, type ResultScheme, type ResultStorage, type ResultStores } from './result-storage.js';
