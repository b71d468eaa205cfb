import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { UsageError } from '../errors.js';

export const PROJECT_FILE = 'flowdeck.yaml';

/** The nearest folder from `start` up that holds one of `names`, or null at the top of the disk. */
export function nearestFolderWith(start: string, names: readonly string[]): string | null {
  let folder = resolve(start);
  for (;;) {
    if (names.some((name) => existsSync(join(folder, name)))) return folder;
    const parent = dirname(folder);
    if (parent === folder) return null;
    folder = parent;
  }
}

/** The flowdeck.yaml to read: `--file`, else the one in the current folder or the nearest parent. */
export function findProjectFile(cwd: string, file: string | undefined): string {
  if (file !== undefined) {
    const path = resolve(cwd, file);
    if (!existsSync(path)) throw new UsageError(`no such file: ${path}`);
    if (!statSync(path).isFile()) throw new UsageError(`${path} is not a file`);
    return path;
  }
  const folder = nearestFolderWith(cwd, [PROJECT_FILE]);
  if (folder === null) {
    throw new UsageError(
      `no ${PROJECT_FILE} in ${resolve(cwd)} or any folder above it; write one with a 'deployments:' list, point at one with --file, ` +
        'or deploy one flow file with: flowdeck deploy FILE --name NAME',
    );
  }
  return join(folder, PROJECT_FILE);
}

/**
 * The project root of a flow file deployed without a flowdeck.yaml: the nearest folder up holding
 * flowdeck.yaml or package.json, else the file's own folder.
 */
export function projectRootOf(flowFile: string): string {
  return nearestFolderWith(dirname(flowFile), [PROJECT_FILE, 'package.json']) ?? dirname(flowFile);
}
