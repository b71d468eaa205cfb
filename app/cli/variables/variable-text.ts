import { variableProblems } from '../../core/api/variable-rules.js';
import { UsageError } from '../errors.js';

/** A value as a person reads it: text as it is, anything else as JSON. */
export function valueText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** A value's JSON on one line, cut to `max` characters for tables and messages. */
export function valuePreview(value: unknown, max = 40): string {
  const text = JSON.stringify(value);
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** VALUE as typed: JSON when it parses, as Prefect reads it, else the text itself. */
export function parseVariableValue(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

/** Refuses, before anything is asked of a store or server, what no store would take; each problem names its field. */
export function checkVariable(name: string, value: unknown, tags: readonly string[]): void {
  const problems = variableProblems({ name, value, tags });
  if (problems.length > 0) throw new UsageError(problems.join('; '));
}

export function unknownVariable(name: string): UsageError {
  return new UsageError(`no variable named '${name}'; 'flowdeck variable ls' lists them`);
}
