import { parseSetting, profileKeyProblem, SettingValueError, type ProfileSettings, type SettingName } from '../../core/index.js';
import { UsageError } from '../errors.js';

function refuse(problems: string[]): UsageError {
  return new UsageError(`nothing was changed:\n${problems.map((p) => `  ${p}`).join('\n')}`);
}

/**
 * `KEY=VALUE` arguments to settings, checked together: every problem is reported at once and any
 * problem refuses them all, so a profile is never left half changed.
 */
export function parseAssignments(args: readonly string[]): ProfileSettings {
  const values: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const arg of args) {
    const eq = arg.indexOf('=');
    if (eq <= 0) {
      problems.push(`'${arg}' is not KEY=VALUE`);
      continue;
    }
    const key = arg.slice(0, eq).trim();
    const raw = arg.slice(eq + 1);
    const keyProblem = profileKeyProblem(key);
    if (keyProblem) problems.push(keyProblem);
    else if (Object.hasOwn(values, key)) problems.push(`${key} is given more than once`);
    else if (raw.trim() === '') problems.push(`${key} has no value; to remove it use: flowdeck config unset ${key}`);
    else {
      try {
        values[key] = parseSetting(key as SettingName, raw);
      } catch (error) {
        if (!(error instanceof SettingValueError)) throw error;
        problems.push(`${key} ${error.message}`);
      }
    }
  }
  if (problems.length > 0) throw refuse(problems);
  return values;
}

/** Setting names for `config unset`, all checked before any is removed. */
export function parseSettingNames(args: readonly string[]): SettingName[] {
  const problems = args.map(profileKeyProblem).filter((p): p is string => p !== null);
  if (problems.length > 0) throw refuse(problems);
  return [...new Set(args)] as SettingName[];
}
