import type { FastifyInstance } from 'fastify';
import { examplesDir } from '../../package-root.js';
import { listTemplates } from '../../workspace/templates.js';
import type { Workspace } from '../../workspace/workspace.js';
import { HttpError } from '../errors.js';
import { addRoute } from '../route.js';
import type { RouteDeps } from './deps.js';

export function requireWorkspace(workspace: Workspace | null): Workspace {
  if (workspace) return workspace;
  throw new HttpError(404, 'this server serves no workspace; start it with `flowdeck server start --workspace DIR`');
}

/** The flow files of the workspace folder, and the templates to start new ones from. */
export async function workspaceRoutes(api: FastifyInstance, { workspace }: RouteDeps): Promise<void> {
  addRoute(api, 'getWorkspace', () => requireWorkspace(workspace).info());

  addRoute(api, 'changeWorkspace', ({ body }) => requireWorkspace(workspace).changeTo(body.root));

  addRoute(api, 'listWorkspaceFiles', () => requireWorkspace(workspace).list());

  addRoute(api, 'readWorkspaceFile', ({ query }) => requireWorkspace(workspace).read(query.path));

  addRoute(api, 'writeWorkspaceFile', ({ body }) => requireWorkspace(workspace).write(body));

  addRoute(api, 'listTemplates', () => listTemplates(examplesDir()));
}
