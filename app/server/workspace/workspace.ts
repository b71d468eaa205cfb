import { resolve } from 'node:path';
import type { WorkspaceFile, WorkspaceFiles, WrittenWorkspaceFile } from '../../core/api/index.js';
import { readFlowFile, writeFlowFile, type FlowFileWrite } from './flow-file-io.js';
import { listFlowFiles } from './list-flow-files.js';
import { flowFileSegments, shownPath, WorkspaceError, WorkspacePaths } from './workspace-paths.js';

/** A folder of flow files the server reads, writes and runs; nothing outside it is reachable. */
export class Workspace {
  private readonly paths: WorkspacePaths;

  constructor(folder: string) {
    this.paths = new WorkspacePaths(resolve(folder));
  }

  get root(): string {
    return this.paths.root;
  }

  /** The folder with its symbolic links resolved; flow processes run there. */
  get realRoot(): string {
    return this.paths.realRoot;
  }

  async list(): Promise<WorkspaceFiles> {
    const listing = await listFlowFiles(this.paths.realRoot);
    return { root: this.paths.root, ...listing };
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
