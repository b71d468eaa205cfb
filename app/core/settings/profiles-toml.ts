// profiles.toml as text: parsing it into profiles with errors that point at the line, and writing
// profiles back in the same layout. Pure, so every front end (CLI, desktop app) reads it the same.
import { parse, stringify, TomlError } from 'smol-toml';
import { SettingsError } from './errors.js';
import { ProfilesDataError, profilesFromData } from './profiles-data.js';
import type { ProfilesDocument } from './profiles.js';
import { lineOf } from './toml-lines.js';

const LEAVE_ALONE = 'Fix the file by hand: Flowdeck does not change it while it is broken.';

function syntaxError(path: string, error: TomlError): SettingsError {
  const reason = error.message.split('\n')[0].replace(/^Invalid TOML document:\s*/, '');
  const block = error.codeblock ? `\n${error.codeblock.replace(/\n+$/, '')}` : '';
  return new SettingsError(`${path}, line ${error.line}, column ${error.column}: not valid TOML: ${reason}${block}\n${LEAVE_ALONE}`);
}

export function parseProfilesToml(text: string, path: string): ProfilesDocument {
  let data: Record<string, unknown>;
  try {
    data = parse(text, { unsafeKeyBehaviour: 'throw' });
  } catch (error) {
    if (error instanceof TomlError) throw syntaxError(path, error);
    throw new SettingsError(`${path}: not valid TOML: ${(error as Error).message}\n${LEAVE_ALONE}`);
  }
  try {
    return profilesFromData(data);
  } catch (error) {
    if (!(error instanceof ProfilesDataError)) throw error;
    const line = lineOf(text, error.at);
    throw new SettingsError(`${path}${line === null ? '' : `, line ${line}`}: ${error.message}\n${LEAVE_ALONE}`);
  }
}

/** `active = "NAME"`, then one `[profiles.NAME]` table per profile, in order. */
export function renderProfilesToml(doc: ProfilesDocument): string {
  const tables = [...doc.profiles].map(([name, values]) => `[profiles.${name}]\n${stringify(values).replace(/^\n$/, '')}`);
  return [stringify({ active: doc.active }), ...tables].join('\n');
}
