import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { WORKSPACE_LIST_MAX, type WorkspaceFileEntry } from '../../core/api/index.js';

/** Deeper than any real project; also stops a walk that somehow loops. */
const MAX_DEPTH = 32;

interface FlowFileListing {
  files: WorkspaceFileEntry[];
  truncated: boolean;
}

function isFlowFileName(name: string): boolean {
  return name.endsWith('.ts') && !name.endsWith('.d.ts');
}

function skipped(name: string): boolean {
  return name.startsWith('.') || name === 'node_modules';
}

/**
 * The flow files under a folder, breadth first and sorted by path. Symbolic links are not
 * followed, so the walk stays inside the folder; unreadable folders are passed over.
 */
export async function listFlowFiles(root: string, max = WORKSPACE_LIST_MAX): Promise<FlowFileListing> {
  const files: WorkspaceFileEntry[] = [];
  let truncated = false;
  let level: string[] = [''];
  for (let depth = 0; level.length > 0 && depth <= MAX_DEPTH && !truncated; depth++) {
    const next: string[] = [];
    for (const folder of level) {
      let entries;
      try {
        entries = await readdir(join(root, folder), { withFileTypes: true });
      } catch {
        continue;
      }
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const entry of entries) {
        if (skipped(entry.name)) continue;
        const path = folder === '' ? entry.name : `${folder}/${entry.name}`;
        if (entry.isDirectory()) next.push(path);
        else if (entry.isFile() && isFlowFileName(entry.name)) {
          if (files.length >= max) {
            truncated = true;
            break;
          }
          try {
            const stats = await stat(join(root, path));
            files.push({ path, size: stats.size, modifiedAt: stats.mtimeMs });
          } catch {
            // Removed while listing: it is simply not there.
          }
        }
      }
      if (truncated) break;
    }
    level = next;
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files, truncated };
}
