import { readFileSync, rmSync, statSync, utimesSync } from 'node:fs';
import {
  sidecarPathOf,
  WORKSPACE_FILE_MAX_BYTES,
  WORKSPACE_SIDECAR_MAX_BYTES,
  type WorkspaceFile,
  type WrittenWorkspaceFile,
} from '../../core/api/index.js';
import { writeFileAtomic } from '../files/atomic-file.js';
import { flowFileSegments, shownPath, WorkspaceError, type WorkspacePaths } from './workspace-paths.js';

function sidecarSegments(segments: readonly string[]): string[] {
  return sidecarPathOf(segments.join('/')).split('/');
}

function tooLarge(path: string, bytes: number, limit: number): WorkspaceError {
  return new WorkspaceError(413, `${shownPath(path)} is ${bytes} bytes; the workspace takes files of at most ${limit} bytes`);
}

function readLimited(real: string, size: number, path: string, limit: number): string {
  if (size > limit) throw tooLarge(path, size, limit);
  return readFileSync(real, 'utf8');
}

/** A flow file with its sidecar. Stat before read: a change racing the read makes a later save conflict rather than go unnoticed. */
export function readFlowFile(paths: WorkspacePaths, path: string): WorkspaceFile {
  const segments = flowFileSegments(path);
  const found = paths.existing(segments);
  if (!found) throw new WorkspaceError(404, `no file ${shownPath(path)} in the workspace`);
  const content = readLimited(found.real, found.stats.size, path, WORKSPACE_FILE_MAX_BYTES);
  const sidecarRelative = sidecarSegments(segments);
  const sidecarFile = paths.existing(sidecarRelative);
  const sidecar = sidecarFile ? readLimited(sidecarFile.real, sidecarFile.stats.size, sidecarRelative.join('/'), WORKSPACE_SIDECAR_MAX_BYTES) : null;
  return { path, content, sidecar, modifiedAt: found.stats.mtimeMs };
}

export interface FlowFileWrite {
  path: string;
  content: string;
  sidecar?: string | null;
  expectedModifiedAt?: number | null;
}

function when(ms: number): string {
  return new Date(ms).toISOString();
}

/** Refuses a write whose caller did not see the version on disk. */
function checkExpected(path: string, current: number | null, expected: number | null | undefined): void {
  if (expected === undefined) return;
  const shown = shownPath(path);
  if (expected === null && current !== null) {
    throw new WorkspaceError(409, `${shown} already exists (modified ${when(current)}); open it, or save under another name`);
  }
  if (expected !== null && current === null) {
    throw new WorkspaceError(
      409,
      `${shown} is no longer on disk: it was moved or deleted after you opened it; save without expectedModifiedAt to create it again`,
    );
  }
  if (expected !== null && current !== null && current !== expected) {
    throw new WorkspaceError(
      409,
      `${shown} changed on disk since you opened it (now modified ${when(current)}, you opened the version of ${when(expected)}); ` +
        'reload it to see the change, or save without expectedModifiedAt to overwrite it',
    );
  }
}

/**
 * Writes the sidecar, then the flow file, each in one step (temp file and rename). Everything is
 * checked before anything is written. Synchronous on purpose: no other request can slip in
 * between the conflict check and the rename.
 */
export function writeFlowFile(paths: WorkspacePaths, request: FlowFileWrite): WrittenWorkspaceFile {
  const { path, content, sidecar } = request;
  const segments = flowFileSegments(path);
  const bytes = Buffer.byteLength(content, 'utf8');
  if (bytes > WORKSPACE_FILE_MAX_BYTES) throw tooLarge(path, bytes, WORKSPACE_FILE_MAX_BYTES);
  const sidecarRelative = sidecarSegments(segments);
  if (typeof sidecar === 'string') {
    const sidecarBytes = Buffer.byteLength(sidecar, 'utf8');
    if (sidecarBytes > WORKSPACE_SIDECAR_MAX_BYTES) throw tooLarge(sidecarRelative.join('/'), sidecarBytes, WORKSPACE_SIDECAR_MAX_BYTES);
  }
  const target = paths.writable(segments);
  const sidecarTarget = sidecar === undefined ? null : paths.writable(sidecarRelative);
  const before = target.stats?.mtimeMs ?? null;
  checkExpected(path, before, request.expectedModifiedAt);

  if (sidecarTarget && typeof sidecar === 'string') writeFileAtomic(sidecarTarget.real, sidecar);
  else if (sidecarTarget) rmSync(sidecarTarget.real, { force: true });
  writeFileAtomic(target.real, content, { mode: target.stats ? target.stats.mode & 0o7777 : 0o644 });

  // File times can be as coarse as a clock tick: a write in the same tick as the one before would
  // keep its time, and a conflict with it would go unseen. Every write gets a later time.
  let after = statSync(target.real).mtimeMs;
  if (before !== null && after <= before) {
    const later = new Date(Math.floor(before) + 1);
    utimesSync(target.real, later, later);
    after = statSync(target.real).mtimeMs;
  }
  return { path, modifiedAt: after };
}
