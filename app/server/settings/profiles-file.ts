// Reading and writing $FLOWDECK_HOME/profiles.toml, for every process that owns files: the CLI and
// the desktop app's main process.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  defaultProfilesDocument,
  parseProfilesToml,
  PROFILES_FILE,
  renderProfilesToml,
  SettingsError,
  type ProfilesDocument,
} from '../../core/settings/index.js';
import { createFileAtomic, writeFileAtomic } from '../files/atomic-file.js';

/** Only the owner may read it: profiles hold API keys. */
const PRIVATE_FILE = 0o600;

export function profilesPath(home: string): string {
  return join(home, PROFILES_FILE);
}

export interface ProfilesFile {
  path: string;
  /** False when the file is missing and `doc` is the default a new home starts with. */
  exists: boolean;
  doc: ProfilesDocument;
}

/** Reads and checks the file. A missing file (or home) reads as the default `local` profile. */
export function readProfilesFile(path: string): ProfilesFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // ENOTDIR: FLOWDECK_HOME is a file. Whatever opens the home next reports that more plainly.
    if (code === 'ENOENT' || code === 'ENOTDIR') return { path, exists: false, doc: defaultProfilesDocument() };
    if (code === 'EISDIR') throw new SettingsError(`${path} is a folder; it must be the profiles file`);
    throw new SettingsError(`cannot read ${path}: ${(error as Error).message}`);
  }
  return { path, exists: true, doc: parseProfilesToml(text, path) };
}

function writeProblem(path: string, error: unknown): SettingsError {
  return new SettingsError(`cannot write ${path}: ${(error as Error).message}`);
}

/** Writes the default file when there is none, so people find one to read and edit. */
export function ensureProfilesFile(path: string): ProfilesFile {
  const file = readProfilesFile(path);
  if (file.exists) return file;
  try {
    // Another process may create it first; then that one is read, as it may already differ.
    return createFileAtomic(path, renderProfilesToml(file.doc), { mode: PRIVATE_FILE }) ? { ...file, exists: true } : readProfilesFile(path);
  } catch (error) {
    throw writeProblem(path, error);
  }
}

/**
 * Reads the file, applies the change and writes the result in one step. A file that does not
 * parse stops here with its error and is left exactly as it is.
 */
export function updateProfilesFile(path: string, change: (doc: ProfilesDocument) => ProfilesDocument): ProfilesDocument {
  const next = change(readProfilesFile(path).doc);
  try {
    writeFileAtomic(path, renderProfilesToml(next), { mode: PRIVATE_FILE });
  } catch (error) {
    throw writeProblem(path, error);
  }
  return next;
}
