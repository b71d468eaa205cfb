import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { transform, type TransformFailure } from 'esbuild';
import { isFlow, registerFlowLoader, registeredFlows } from '../../engine/hosting.js';
import type { Flow } from '../../engine/index.js';
import { UsageError } from '../errors.js';

export type AnyFlow = Flow<never, unknown>;

function describeBuildFailure(error: TransformFailure, path: string): string {
  return error.errors
    .map((e) => {
      const where = e.location ? `${e.location.file || path}:${e.location.line}:${e.location.column + 1}` : path;
      const snippet = e.location?.lineText ? `\n    ${e.location.lineText.trim()}` : '';
      return `${where}: ${e.text}${snippet}`;
    })
    .join('\n');
}

/** Compiles the file up front so a syntax error is reported with its line, before anything runs. */
async function checkSyntax(path: string): Promise<void> {
  const source = readFileSync(path, 'utf8');
  try {
    await transform(source, { loader: path.endsWith('x') ? 'tsx' : 'ts', sourcefile: path, format: 'esm' });
  } catch (error) {
    if ((error as TransformFailure).errors) {
      throw new UsageError(`${path} does not compile:\n${describeBuildFailure(error as TransformFailure, path)}`);
    }
    throw error;
  }
}

/** A loaded flow file: every flow it defined (its own and those of modules it imports) and its default export. */
export interface FlowModule {
  path: string;
  flows: AnyFlow[];
  defaultFlow: AnyFlow | null;
}

/** Loads a flow file from anywhere on disk, running its code. */
export async function loadFlowModule(file: string, cwd: string): Promise<FlowModule> {
  const path = resolve(cwd, file);
  if (!existsSync(path)) throw new UsageError(`no such file: ${path}`);
  if (!statSync(path).isFile()) throw new UsageError(`${path} is not a file`);
  if (/\.(m?ts|tsx)$/.test(path)) await checkSyntax(path);
  registerFlowLoader();
  const url = pathToFileURL(path).href;
  let exported: Record<string, unknown>;
  try {
    exported = (await import(url)) as Record<string, unknown>;
  } catch (error) {
    const failure = error as TransformFailure;
    if (Array.isArray(failure?.errors)) throw new UsageError(`a module imported by ${path} does not compile:\n${describeBuildFailure(failure, path)}`);
    const err = error as Error;
    throw new UsageError(`${path} failed to load: ${err?.name ?? 'Error'}: ${err?.message ?? String(error)}${locationOf(err, path)}`);
  }
  const flows = [...new Set([...Object.values(exported).filter(isFlow), ...registeredFlows().filter(isFlow)])] as AnyFlow[];
  return { path, flows, defaultFlow: isFlow(exported.default) ? exported.default : null };
}

/** Loads a flow file from anywhere on disk and picks its flow: the default export, or `--flow NAME`. */
export async function loadFlowFile(file: string, cwd: string, flowName?: string): Promise<{ flow: AnyFlow; path: string }> {
  const { path, flows: flowsHere, defaultFlow } = await loadFlowModule(file, cwd);
  if (flowName !== undefined) {
    const match = flowsHere.find((f) => f.name === flowName);
    if (!match) {
      const names = flowsHere.map((f) => `'${f.name}'`).join(', ');
      throw new UsageError(`${path} has no flow named '${flowName}'${names ? `; it has ${names}` : ''}`);
    }
    return { flow: match, path };
  }
  if (defaultFlow) return { flow: defaultFlow, path };
  const names = flowsHere.map((f) => `'${f.name}'`).join(', ');
  throw new UsageError(
    names
      ? `${path} has no default export that is a flow; pick one with --flow (${names})`
      : `${path} has no flow: export one with \`export default flow({ name: '...' }, async () => { ... })\``,
  );
}

function locationOf(error: Error | undefined, path: string): string {
  const line = error?.stack?.split('\n').find((l) => l.includes(path));
  const match = line ? /:(\d+):(\d+)\)?$/.exec(line.trim()) : null;
  return match ? ` (at ${path}:${match[1]}:${match[2]})` : '';
}
