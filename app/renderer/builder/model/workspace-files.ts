import type { ApiClient } from '../../../core/api/client.js';
import { ApiError } from '../../../core/api/errors.js';
import type { FlowTemplate, WorkspaceFiles, WorkspaceInfo } from '../../../core/api/workspace.js';
import type { DesktopBridge } from '../../../core/desktop-bridge.js';
import type { BuilderStore } from './store.js';
import { isDirty, type BuilderState } from './store.js';

type BuilderStateLike = Pick<BuilderState, 'positions' | 'marks'>;

type WorkspaceClient = Pick<
  ApiClient,
  'listWorkspaceFiles' | 'readWorkspaceFile' | 'writeWorkspaceFile' | 'listTemplates' | 'getWorkspace' | 'changeWorkspace'
>;

export type SaveOutcome =
  | { status: 'saved'; path: string; modifiedAt: number }
  /** Never saved: ask for a path, then call saveAs. */
  | { status: 'needs-path' }
  /** The file on disk changed since it was read, is gone, or (for a new file) exists: ask before overwriting. */
  | { status: 'conflict'; path: string; kind: ConflictKind; message: string };

/** Why a save was refused: the file `changed` on disk since it was read, is `gone` from it, or a new file's path `exists`. */
export type ConflictKind = 'changed' | 'gone' | 'exists';

/** A path a person typed, made a workspace flow file path: '/'-separated, relative, ending in .ts. */
export function normaliseFlowPath(input: string): string {
  let path = input
    .trim()
    .replace(/\\/g, '/')
    .replace(/^\.?\/+/, '');
  if (path !== '' && !path.endsWith('.ts')) path = `${path}.ts`;
  return path;
}

/**
 * A path on this computer as a workspace path, when it lies inside the workspace folder; null
 * otherwise. Either separator, as the desktop app may run on Windows.
 */
export function workspaceRelative(absolutePath: string, workspaceRoot: string): string | null {
  const norm = (p: string) => p.replace(/\\/g, '/').replace(/\/+$/, '');
  const root = norm(workspaceRoot);
  const path = norm(absolutePath);
  if (root === '' || !path.startsWith(`${root}/`)) return null;
  const rest = path.slice(root.length + 1);
  return rest.split('/').some((segment) => segment === '..' || segment === '') ? null : rest;
}

/** What the desktop app adds: its file and folder dialogs, and the workspace folder its server uses. */
export interface DesktopFiles {
  bridge: Pick<DesktopBridge, 'openFile' | 'saveFile' | 'saveFileAs' | 'openFolder'>;
  /** The embedded server's workspace; '' when the window talks to another server. */
  workspaceRoot: string;
}

/**
 * Reading and writing the builder's document: in the server's workspace, and in the desktop app
 * also anywhere on this computer through its dialogs.
 */
export class WorkspaceFilesService {
  constructor(
    private readonly client: WorkspaceClient,
    private readonly store: BuilderStore,
    readonly desktop: DesktopFiles | null = null,
  ) {}

  /** Asks the desktop app for a file; false when the person cancelled. */
  async openFromDisk(): Promise<boolean> {
    if (!this.desktop) throw new Error('opening files from this computer needs the desktop app');
    const file = await this.desktop.bridge.openFile();
    if (!file) return false;
    const inside = workspaceRelative(file.path, this.desktop.workspaceRoot);
    // A file inside the workspace is opened as one, so it can be run.
    if (inside !== null) await this.open(inside);
    else this.store.getState().open({ path: file.path, source: file.content, sidecar: file.sidecar, modifiedAt: null, location: 'disk' });
    return true;
  }

  /** Asks the desktop app where to save; false when the person cancelled. */
  async saveToDisk(): Promise<SaveOutcome | null> {
    if (!this.desktop) throw new Error('saving files on this computer needs the desktop app');
    const state = this.store.getState();
    const { source, positions, marks } = state;
    const saved = await this.desktop.bridge.saveFileAs(source, state.doc.name, state.sidecar());
    if (!saved) return null;
    return this.afterDiskSave(saved.path, source, positions, marks);
  }

  private afterDiskSave(path: string, source: string, positions: BuilderStateLike['positions'], marks: BuilderStateLike['marks']): SaveOutcome {
    const inside = this.desktop ? workspaceRelative(path, this.desktop.workspaceRoot) : null;
    const shown = inside ?? path;
    // The desktop app reports no modification time; the next workspace save then does not check one.
    this.store.getState().markSaved({ path: shown, modifiedAt: null, source, positions, marks, location: inside === null ? 'disk' : 'workspace' });
    return { status: 'saved', path: shown, modifiedAt: 0 };
  }

  list(): Promise<WorkspaceFiles> {
    return this.client.listWorkspaceFiles();
  }

  /** The workspace folder, and whether this server lets it be changed. */
  info(): Promise<WorkspaceInfo> {
    return this.client.getWorkspace();
  }

  /** Whether the desktop app's folder dialog can pick the workspace: only its embedded server's. */
  get canPickFolder(): boolean {
    return this.desktop !== null && this.desktop.workspaceRoot !== '';
  }

  /** Points the server at the folder at this path; the server checks it and remembers it. */
  async changeFolder(path: string): Promise<WorkspaceInfo> {
    const root = path.trim();
    if (root === '') throw new Error('give the whole path of a folder, such as /home/ada/flows');
    const info = await this.client.changeWorkspace({ body: { root } });
    this.movedTo(info.root);
    return info;
  }

  /** Asks the desktop app for a folder to serve; null when the person cancelled. */
  async pickFolder(): Promise<string | null> {
    if (!this.desktop || !this.canPickFolder) throw new Error('picking a folder needs the desktop app on its own server');
    const opened = await this.desktop.bridge.openFolder();
    if (!opened) return null;
    this.movedTo(opened.path);
    return opened.path;
  }

  /**
   * A file open from the old folder is closed: its path would name another file in the new one,
   * and Save would write there.
   */
  private movedTo(root: string): void {
    if (this.desktop && this.desktop.workspaceRoot !== '') this.desktop.workspaceRoot = root;
    const { doc } = this.store.getState();
    if (doc.location === 'workspace' && doc.path !== null) this.store.getState().newDocument({});
  }

  templates(): Promise<FlowTemplate[]> {
    return this.client.listTemplates();
  }

  /** Reads a file with its sidecar and shows it. */
  async open(path: string): Promise<void> {
    const file = await this.client.readWorkspaceFile({ query: { path } });
    this.store.getState().open({ path: file.path, source: file.content, sidecar: file.sidecar, modifiedAt: file.modifiedAt });
  }

  /** Saves to the document's own path, refusing to overwrite a newer file unless told to. */
  async save(options: { overwrite?: boolean } = {}): Promise<SaveOutcome> {
    const state = this.store.getState();
    const { doc } = state;
    if (doc.path === null) return { status: 'needs-path' };
    if (doc.location === 'disk') {
      if (!this.desktop) return { status: 'needs-path' };
      const { source, positions, marks } = state;
      const saved = await this.desktop.bridge.saveFile(doc.path, source, state.sidecar());
      return this.afterDiskSave(saved.path, source, positions, marks);
    }
    return this.write(doc.path, options.overwrite || doc.modifiedAt === null ? undefined : doc.modifiedAt);
  }

  /** Saves under a new path; an existing file there is only overwritten when told to. */
  async saveAs(rawPath: string, options: { overwrite?: boolean } = {}): Promise<SaveOutcome> {
    const path = normaliseFlowPath(rawPath);
    if (path === '') throw new Error('give the file a name, such as flows/etl.ts');
    const { doc } = this.store.getState();
    const same = path === doc.path && doc.location === 'workspace';
    return this.write(path, options.overwrite ? undefined : same ? (doc.modifiedAt ?? undefined) : null);
  }

  private async write(path: string, expectedModifiedAt: number | null | undefined): Promise<SaveOutcome> {
    const state = this.store.getState();
    const source = state.source;
    const { positions, marks } = state;
    try {
      const written = await this.client.writeWorkspaceFile({
        body: {
          path,
          content: source,
          sidecar: state.sidecar(),
          ...(expectedModifiedAt === undefined ? {} : { expectedModifiedAt }),
        },
      });
      this.store.getState().markSaved({ path: written.path, modifiedAt: written.modifiedAt, source, positions, marks });
      return { status: 'saved', path: written.path, modifiedAt: written.modifiedAt };
    } catch (error) {
      if (error instanceof ApiError && error.status === 409)
        return { status: 'conflict', path, kind: await this.conflictKind(path, expectedModifiedAt), message: error.message };
      throw error;
    }
  }

  /** A file expected to be new exists; one expected as read changed, unless it is no longer there. */
  private async conflictKind(path: string, expectedModifiedAt: number | null | undefined): Promise<ConflictKind> {
    if (expectedModifiedAt === null) return 'exists';
    try {
      await this.client.readWorkspaceFile({ query: { path } });
      return 'changed';
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return 'gone';
      return 'changed';
    }
  }

  isDirty(): boolean {
    return isDirty(this.store.getState());
  }
}
