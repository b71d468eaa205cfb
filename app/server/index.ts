export { openStore, type StoreConfig } from './store/open-store.js';
export type { RunStore } from './store/run-store.js';
export type { ResumeOutcome, ResumeRecord } from './store/flow-run-resumes.js';
export { processIsAlive } from './store/crash-sweep.js';
export { StoreError } from './store/store-error.js';
export {
  createServer,
  DEFAULT_HOST,
  DEFAULT_PORT,
  SERVER_HEARTBEAT_TIMEOUT_SECONDS,
  type FlowdeckServer,
  type ServerOptions,
} from './http/server.js';
export { retryFlowRun, retryRefusal } from './runs/retry-flow-run.js';
export { chooseWorkspace, describeWorkspace, WorkspaceChoiceError, type ChosenWorkspace } from './workspace/choose-workspace.js';
export type { WorkspaceChange } from './workspace/workspace.js';
export { bundleHash } from './bundles/bundle-hash.js';
export { BundleError, BundleStore, localBundleFolder, type StoredBundle } from './bundles/bundle-store.js';
export { deployDeployments } from './deployments/deploy.js';
export { runDeployment, type RunDeploymentRequest } from './deployments/run-deployment.js';
export { DeploymentError } from './deployments/deployment-error.js';
export { Blocks } from './blocks/blocks.js';
export { BlockError } from './blocks/block-error.js';
export { EncryptionKeyError, EncryptionKeySource, ENCRYPTION_KEY_FILE } from './blocks/encryption-key.js';
export { Automations } from './automations/automations.js';
export { AutomationError } from './automations/automation-error.js';
