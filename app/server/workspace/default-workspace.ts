import { copyFileSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { examplesDir } from '../package-root.js';

/** The folder under FLOWDECK_HOME that is the workspace when no other is chosen. */
const DEFAULT_WORKSPACE_FOLDER = 'workspace';

export function defaultWorkspacePath(home: string): string {
  return join(home, DEFAULT_WORKSPACE_FOLDER);
}

interface DefaultWorkspace {
  folder: string;
  /** The example files copied into it: all of them when it was made now, none when it was there. */
  seeded: string[];
}

function isFlowFile(name: string): boolean {
  return name.endsWith('.ts') && !name.endsWith('.d.ts');
}

/**
 * The default workspace, made on first use: owner-only like the rest of FLOWDECK_HOME, holding a
 * copy of each example. It is filled in a private folder beside it and renamed into place, so it
 * never exists half seeded, and a folder that is already there (perhaps emptied on purpose) is
 * never touched again.
 */
export function ensureDefaultWorkspace(home: string, examples = examplesDir()): DefaultWorkspace {
  const folder = defaultWorkspacePath(home);
  const existing = lstatSync(folder, { throwIfNoEntry: false });
  if (existing?.isDirectory()) return { folder, seeded: [] };
  if (existing) throw new Error(`${folder} is not a folder; move it away so Flowdeck can make its workspace there`);
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const staging = mkdtempSync(join(home, `.${DEFAULT_WORKSPACE_FOLDER}-`));
  try {
    const names = readdirSync(examples).filter(isFlowFile).sort();
    for (const name of names) copyFileSync(join(examples, name), join(staging, name));
    renameSync(staging, folder);
    return { folder, seeded: names };
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    // Another process made it first: theirs is the workspace.
    const code = (error as NodeJS.ErrnoException).code;
    if ((code === 'ENOTEMPTY' || code === 'EEXIST') && lstatSync(folder, { throwIfNoEntry: false })?.isDirectory()) return { folder, seeded: [] };
    throw error;
  }
}
