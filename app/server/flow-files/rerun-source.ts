import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { FlowRun } from '../../core/index.js';
import { shownPath, WorkspaceError } from '../workspace/workspace-paths.js';
import type { Workspace } from '../workspace/workspace.js';

/** Where the server would run a stored flow run's flow from again, or why it cannot. */
type RerunSource = { possible: true; path: string; real: string; flowName: string } | { possible: false; reason: string };

/** A file's path relative to the workspace folder, '/'-separated, or null when it lies outside. */
function workspacePathOf(file: string, workspace: Workspace): string | null {
  for (const root of new Set([workspace.realRoot, workspace.root])) {
    const path = relative(root, resolve(file));
    if (path !== '' && !path.startsWith('..') && !isAbsolute(path)) return path.split(sep).join('/');
  }
  return null;
}

/**
 * The workspace file a stored run came from, found again now, or why the server cannot run it
 * again. The stored entrypoint is only a hint: the file it names is found again through the
 * workspace, which refuses `..`, hidden folders and links that lead out, and answers the real
 * path to run now.
 */
export function rerunSource(run: FlowRun, workspace: Workspace | null): RerunSource {
  const retryWhere = `run \`flowdeck flow-run retry ${run.id.slice(0, 8)}\` where its file is`;
  if (workspace === null) return { possible: false, reason: `this server serves no workspace, so it cannot run flow files; ${retryWhere}` };
  const at = run.entrypoint?.lastIndexOf(':') ?? -1;
  const file = run.entrypoint && at > 0 ? run.entrypoint.slice(0, at) : '';
  const flowName = run.entrypoint ? run.entrypoint.slice(at + 1) : '';
  const path = isAbsolute(file) ? workspacePathOf(file, workspace) : null;
  const notHere: RerunSource = {
    possible: false,
    reason: `flow run '${run.name}' did not come from a file in this server's workspace, so the server cannot run it again; ${retryWhere}`,
  };
  if (path === null || flowName === '') return notHere;
  try {
    return { possible: true, path, real: workspace.flowFile(path), flowName };
  } catch (error) {
    if (error instanceof WorkspaceError && error.statusCode === 404) {
      return { possible: false, reason: `the file of flow run '${run.name}', ${shownPath(path)}, is no longer in the workspace` };
    }
    if (error instanceof WorkspaceError) return notHere;
    throw error;
  }
}
