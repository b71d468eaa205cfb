import { statSync } from 'node:fs';
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { defaultWorkspacePath, ensureDefaultWorkspace } from './default-workspace.js';
import { rememberedWorkspace } from './last-workspace.js';
import { checkWorkspaceFolder } from './workspace-folder.js';
import { WorkspaceError } from './workspace-paths.js';

/** Where the workspace came from, as the start output says it. */
type WorkspaceSource = 'option' | 'setting' | 'remembered' | 'default';

export interface ChosenWorkspace {
  folder: string;
  source: WorkspaceSource;
  /** Examples copied into a default workspace made now; empty otherwise. */
  seeded: string[];
  /** Said at start when the folder last opened could not be used. */
  notes: string[];
}

interface WorkspaceChoice {
  /** `--workspace DIR`, resolved against `cwd`. */
  given?: string;
  /** FLOWDECK_WORKSPACE. */
  setting?: string | null;
  home: string;
  cwd: string;
  userHome?: string;
}

/** A folder the person named that is not one. */
export class WorkspaceChoiceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkspaceChoiceError';
  }
}

/** A folder named on the command line or in a setting: any existing folder, as the person said it. */
function namedFolder(raw: string, cwd: string, what: string): string {
  if (raw.trim() === '') throw new WorkspaceChoiceError(`${what} needs the path of a folder of flow files`);
  const folder = resolve(cwd, raw);
  if (!statSync(folder, { throwIfNoEntry: false })?.isDirectory()) {
    throw new WorkspaceChoiceError(`${what} ${folder} is not a folder; give the folder that holds your flow files`);
  }
  return folder;
}

/**
 * The folder a server starts on: `--workspace`, else FLOWDECK_WORKSPACE, else the folder last
 * opened (if it still passes the checks it passed then), else FLOWDECK_HOME's own workspace, made
 * and seeded with the examples the first time. Throws, naming what was wrong, on a bad named folder.
 */
export function chooseWorkspace(choice: WorkspaceChoice): ChosenWorkspace {
  if (choice.given !== undefined) return { folder: namedFolder(choice.given, choice.cwd, '--workspace'), source: 'option', seeded: [], notes: [] };
  if (choice.setting) return { folder: namedFolder(choice.setting, choice.cwd, 'FLOWDECK_WORKSPACE'), source: 'setting', seeded: [], notes: [] };
  const notes: string[] = [];
  const last = rememberedWorkspace(choice.home);
  // The default workspace is made again below if it was removed.
  if (last !== null && resolve(last) !== defaultWorkspacePath(resolve(choice.home))) {
    try {
      return {
        folder: checkWorkspaceFolder(last, { home: choice.home, userHome: choice.userHome ?? homedir() }),
        source: 'remembered',
        seeded: [],
        notes,
      };
    } catch (error) {
      if (!(error instanceof WorkspaceError)) throw error;
      notes.push(`the folder last opened cannot be used (${error.message}); using the default workspace`);
    }
  }
  const made = ensureDefaultWorkspace(choice.home);
  return { folder: made.folder, source: 'default', seeded: made.seeded, notes };
}

/** One line on where the workspace is and why, for start output. */
export function describeWorkspace(chosen: ChosenWorkspace): string {
  const why: Record<WorkspaceSource, string> = {
    option: 'given with --workspace',
    setting: 'FLOWDECK_WORKSPACE',
    remembered: 'the folder last opened',
    default: chosen.seeded.length > 0 ? `new, with ${chosen.seeded.length} example flows` : 'the default',
  };
  return `${chosen.folder} (${why[chosen.source]})`;
}
