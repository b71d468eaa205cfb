import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../files/atomic-file.js';

/** Where FLOWDECK_HOME remembers the folder last opened as the workspace. */
const LAST_WORKSPACE_FILE = 'last-workspace.json';

/** Remembers the folder for the next start. */
export function rememberWorkspace(home: string, folder: string): void {
  writeFileAtomic(join(home, LAST_WORKSPACE_FILE), `${JSON.stringify({ folder }, null, 2)}\n`, { mode: 0o600 });
}

/** The folder last opened, or null when none was (or the note is unreadable, which only loses the memory). */
export function rememberedWorkspace(home: string): string | null {
  let text: string;
  try {
    text = readFileSync(join(home, LAST_WORKSPACE_FILE), 'utf8');
  } catch {
    return null;
  }
  try {
    const folder = (JSON.parse(text) as { folder?: unknown }).folder;
    return typeof folder === 'string' && folder !== '' ? folder : null;
  } catch {
    return null;
  }
}
