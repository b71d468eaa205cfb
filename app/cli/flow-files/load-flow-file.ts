import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { TransformFailure } from 'esbuild';
import type { DescribedDeployment } from '../../core/api/workspace.js';
import { configureEngine, engineSettings, isFlow, registeredFlows } from '../../engine/hosting.js';
import type { Flow } from '../../engine/index.js';
import { importFlowFile } from '../../engine/loader/import-flow-file.js';
import { importKeptCode } from '../../engine/loader/kept-code.js';
import { UsageError } from '../errors.js';

export type AnyFlow = Flow<never, unknown>;

/** esbuild names files relative to the flow file's folder. */
function describeBuildFailure(error: TransformFailure, path: string): string {
  return error.errors
    .map((e) => {
      const where = e.location
        ? `${e.location.file ? resolve(path, '..', e.location.file) : path}:${e.location.line}:${e.location.column + 1}`
        : path;
      const snippet = e.location?.lineText ? `\n    ${e.location.lineText.trim()}` : '';
      return `${where}: ${e.text}${snippet}`;
    })
    .join('\n');
}

/** A loaded flow file: every flow it defined (its own and those of modules it imports) and its default export. */
export interface FlowModule {
  path: string;
  flows: AnyFlow[];
  defaultFlow: AnyFlow | null;
  /** Everything the file exports, by name. */
  exported: Record<string, unknown>;
  /** The compiled module that was imported, when the file was compiled into one. */
  module?: string;
  /**
   * The deployments its top-level deploy() and serve() calls would make, when it was loaded by a
   * process that does not carry such calls out (one that describes it): they were recorded, not made.
   */
  deploymentCalls: DescribedDeployment[];
}

/**
 * Imports the file; a process that has no deployment host (it only reads the file) records its
 * deploy() and serve() calls meanwhile, so a file that deploys or serves at its top level loads.
 */
async function importRecordingDeployments(path: string, home: string) {
  if (engineSettings().deploymentHost) return { ...(await importFlowFile(path, home)), deploymentCalls: [] };
  // Loaded on use: a flow run (which has a host) does not pay for the schedule and schema code it needs.
  const { RecordingDeploymentHost } = await import('../serving/recording-deployment-host.js');
  const recorder = new RecordingDeploymentHost();
  configureEngine({ deploymentHost: recorder });
  try {
    return { ...(await importFlowFile(path, home)), deploymentCalls: recorder.recorded };
  } finally {
    configureEngine({ deploymentHost: null });
  }
}

/**
 * Loads a flow file from anywhere on disk, running its code; its compiled form is cached under
 * `home`. A syntax error is reported with its line before any of the file's code runs.
 */
export async function loadFlowModule(file: string, cwd: string, home: string): Promise<FlowModule> {
  const path = resolve(cwd, file);
  if (!existsSync(path)) throw new UsageError(`no such file: ${path}`);
  if (!statSync(path).isFile()) throw new UsageError(`${path} is not a file`);
  let exported: Record<string, unknown>;
  let module: string | undefined;
  let deploymentCalls: DescribedDeployment[];
  try {
    const imported = await importRecordingDeployments(path, home);
    exported = imported.exports;
    module = imported.module;
    deploymentCalls = imported.deploymentCalls;
  } catch (error) {
    const failure = error as TransformFailure;
    if (Array.isArray(failure?.errors)) {
      const inFile = failure.errors.every((e) => !e.location?.file || resolve(path, '..', e.location.file) === path);
      const what = inFile ? path : `a module imported by ${path}`;
      throw new UsageError(`${what} does not compile:\n${describeBuildFailure(failure, path)}`);
    }
    const err = error as Error;
    throw new UsageError(`${path} failed to load: ${err?.name ?? 'Error'}: ${err?.message ?? String(error)}${locationOf(err, path)}`);
  }
  const flows = [...new Set([...Object.values(exported).filter(isFlow), ...registeredFlows().filter(isFlow)])] as AnyFlow[];
  return {
    path,
    flows,
    defaultFlow: isFlow(exported.default) ? exported.default : null,
    exported,
    deploymentCalls,
    ...(module ? { module } : {}),
  };
}

/** Picks a module's flow: the one named `flowName`, or the default export. */
export function pickFlow({ path, flows: flowsHere, defaultFlow }: FlowModule, flowName: string | undefined): AnyFlow {
  if (flowName !== undefined) {
    const match = flowsHere.find((f) => f.name === flowName);
    if (!match) {
      const names = flowsHere.map((f) => `'${f.name}'`).join(', ');
      throw new UsageError(`${path} has no flow named '${flowName}'${names ? `; it has ${names}` : ''}`);
    }
    return match;
  }
  if (defaultFlow) return defaultFlow;
  const names = flowsHere.map((f) => `'${f.name}'`).join(', ');
  throw new UsageError(
    names
      ? `${path} has no default export that is a flow; pick one with --flow (${names})`
      : `${path} has no flow: export one with \`export default flow({ name: '...' }, async () => { ... })\``,
  );
}

/** Loads a flow file from anywhere on disk and picks its flow: the default export, or `--flow NAME`. */
export async function loadFlowFile(
  file: string,
  cwd: string,
  home: string,
  flowName?: string,
): Promise<{ flow: AnyFlow; path: string; module?: string }> {
  const loaded = await loadFlowModule(file, cwd, home);
  return { flow: pickFlow(loaded, flowName), path: loaded.path, ...(loaded.module ? { module: loaded.module } : {}) };
}

/** Loads a flow file and picks the flow it exports as `exportName` (`default` for its default export). */
export async function loadFlowExport(file: string, cwd: string, home: string, exportName: string): Promise<{ flow: AnyFlow; path: string }> {
  const loaded = await loadFlowModule(file, cwd, home);
  const value = loaded.exported[exportName];
  if (!isFlow(value)) {
    const names = Object.keys(loaded.exported).filter((name) => isFlow(loaded.exported[name]));
    const what = value === undefined ? `does not export '${exportName}'` : `exports '${exportName}', but it is not a flow`;
    throw new UsageError(`${loaded.path} ${what}${names.length ? `; its flow exports are ${names.map((n) => `'${n}'`).join(', ')}` : ''}`);
  }
  return { flow: value, path: loaded.path };
}

/** Loads the code a run kept (see keepCompiledCode) and picks its flow by name. */
export async function loadKeptFlow(home: string, codeRef: string, flowName: string): Promise<AnyFlow> {
  const exported = await importKeptCode(home, codeRef);
  const flows = [...new Set([...Object.values(exported).filter(isFlow), ...registeredFlows().filter(isFlow)])] as AnyFlow[];
  return pickFlow({ path: codeRef, flows, defaultFlow: isFlow(exported.default) ? exported.default : null, exported, deploymentCalls: [] }, flowName);
}

function locationOf(error: Error | undefined, path: string): string {
  const line = error?.stack?.split('\n').find((l) => l.includes(path));
  const match = line ? /:(\d+):(\d+)\)?$/.exec(line.trim()) : null;
  return match ? ` (at ${path}:${match[1]}:${match[2]})` : '';
}
