import type { StoredVariable } from '../../../core/api/variables.js';
import { variableNameProblem, variableTagsProblem, variableValueProblem } from '../../../core/api/variable-rules.js';

/** A value's JSON on one line, cut to `max` characters for the table. */
export function valuePreview(value: unknown, max = 60): string {
  const text = JSON.stringify(value);
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Tags as typed in the dialog: separated by commas, blanks dropped, each once. */
export function parseTags(text: string): string[] {
  return [
    ...new Set(
      text
        .split(',')
        .map((tag) => tag.trim())
        .filter((tag) => tag !== ''),
    ),
  ];
}

/** What the dialog's fields hold. */
export interface VariableFormFields {
  name: string;
  value: string;
  tags: string;
}

/** The fields for a new variable, or filled from one to edit. */
export function variableFormFields(variable: StoredVariable | null): VariableFormFields {
  if (!variable) return { name: '', value: '', tags: '' };
  return { name: variable.name, value: JSON.stringify(variable.value, null, 2), tags: variable.tags.join(', ') };
}

export type VariableFormCheck =
  { ok: true; name: string; value: unknown; tags: string[] } | { ok: false; errors: Partial<Record<keyof VariableFormFields, string>> };

/** What is wrong with each field, as a person reads it, before anything is sent; or what to send. */
export function checkVariableForm(fields: VariableFormFields): VariableFormCheck {
  const errors: Partial<Record<keyof VariableFormFields, string>> = {};
  const nameProblem = variableNameProblem(fields.name);
  if (nameProblem) errors.name = `The name ${nameProblem}.`;
  let value: unknown;
  if (fields.value.trim() === '') {
    errors.value = 'Give a JSON value: text in quotes ("hello"), a number, true, false, null, a list or an object.';
  } else {
    try {
      value = JSON.parse(fields.value);
      const valueProblem = variableValueProblem(value);
      if (valueProblem) errors.value = `The value is ${valueProblem}.`;
    } catch (error) {
      errors.value = `Not valid JSON (${(error as Error).message}); text goes in quotes: "hello".`;
    }
  }
  const tags = parseTags(fields.tags);
  const tagsProblem = variableTagsProblem(tags);
  if (tagsProblem) errors.tags = `Tags: ${tagsProblem}.`;
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, name: fields.name, value, tags };
}

/** The variables whose name or one of whose tags contains the text, in any case. */
export function filterVariables(variables: readonly StoredVariable[], text: string): StoredVariable[] {
  const wanted = text.trim().toLowerCase();
  if (!wanted) return [...variables];
  return variables.filter((v) => v.name.toLowerCase().includes(wanted) || v.tags.some((tag) => tag.toLowerCase().includes(wanted)));
}
