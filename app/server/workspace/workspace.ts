import { homedir } from 'node:os';
import { resolve } from 'node:path';
import type { WorkspaceFile, WorkspaceFiles, WorkspaceInfo, WrittenWorkspaceFile } from '../../core/api/index.js';
import { HttpError } from '../http/errors.js';
import { defaultWorkspacePath, ensureDefaultWorkspace } from './default-workspace.js';
import { readFlowFile, writeFlowFile, type FlowFileWrite } from './flow-file-io.js';
import { rememberWorkspace } from './last-workspace.js';
import { listFlowFiles } from './list-flow-files.js';
import { checkWorkspaceFolder } from './workspace-folder.js';
import { flowFileSegments, shownPath, WorkspaceError, WorkspacePaths } from './workspace-paths.js';

/** Whether the folder may be changed through the API, and why not when it may not. */
export type WorkspaceChange = { allowed: true } | { allowed: false; because: string };

interface WorkspaceOptions {
  /** FLOWDECK_HOME: where the folder last opened is remembered, and whose own files are never served. */
  home: string;
  /** Refused unless allowed: a page should not be able to point a shared server elsewhere. */
  change?: WorkspaceChange;
  /** The person's home folder; never a workspace as a whole. */
  userHome?: string;
}

const FIXED: WorkspaceChange = { allowed: false, because: 'this server was started with a fixed workspace' };

/** A folder of flow files the server reads, writes and runs; nothing outside it is reachable. */
export class Workspace {
  private paths: WorkspacePaths;
  private readonly change: WorkspaceChange;

  constructor(
    folder: string,
    private readonly options: WorkspaceOptions,
  ) {
    this.paths = new WorkspacePaths(resolve(folder));
    this.change = options.change ?? FIXED;
  }

  get root(): string {
    return this.paths.root;
  }

  /** The folder with its symbolic links resolved; flow processes run there. */
  get realRoot(): string {
    return this.paths.realRoot;
  }

  info(): WorkspaceInfo {
    return {
      root: this.root,
      defaultRoot: defaultWorkspacePath(resolve(this.options.home)),
      changeable: this.change.allowed,
      fixedBecause: this.change.allowed ? null : this.change.because,
    };
  }

  /**
   * Serves another folder from now on and remembers it for the next start. The default workspace
   * is made (and seeded) again if it was removed. Runs already started keep their files; runs
   * from the old folder can no longer be run again from here.
   */
  changeTo(folder: string): WorkspaceInfo {
    if (!this.change.allowed) throw new HttpError(403, `the workspace cannot be changed from here: ${this.change.because}`);
    const home = resolve(this.options.home);
    if (resolve(folder) === defaultWorkspacePath(home)) ensureDefaultWorkspace(home);
    const checked = checkWorkspaceFolder(folder, { home, userHome: this.options.userHome ?? homedir() });
    this.paths = new WorkspacePaths(checked);
    rememberWorkspace(home, checked);
    return this.info();
  }

  async list(): Promise<WorkspaceFiles> {
    const paths = this.paths;
    const listing = await listFlowFiles(paths.realRoot);
    return { root: paths.root, ...listing };
  }

  read(path: string): WorkspaceFile {
    return readFlowFile(this.paths, path);
  }

  write(request: FlowFileWrite): WrittenWorkspaceFile {
    return writeFlowFile(this.paths, request);
  }

  /** The real path of an existing flow file, for a process to load; 404 when there is none. */
  flowFile(path: string): string {
    const found = this.paths.existing(flowFileSegments(path));
    if (!found) throw new WorkspaceError(404, `no file ${shownPath(path)} in the workspace`);
    return found.real;
  }
}
