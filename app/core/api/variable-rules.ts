/**
 * What a variable's name, value and tags may be, apart from the schemas so the store, the SDK and
 * the UI check them without loading zod. Every layer uses these, so a value one takes all take.
 */

/** The longest name of a variable, as in Prefect. */
export const VARIABLE_NAME_MAX = 255;
/** Letters, digits, `-`, `_` and `.`: no spaces or slashes, so a name is safe in a URL path and a shell. */
export const VARIABLE_NAME_PATTERN = /^[A-Za-z0-9_.-]+$/;
export const VARIABLE_NAME_RULE = 'may hold only letters, digits, "-", "_" and "."';
/** The most characters a value may take when serialised as JSON, as in Prefect. */
export const VARIABLE_VALUE_MAX = 5_000;
/** The most tags a variable may have, and the longest tag. */
export const VARIABLE_TAGS_MAX = 50;
export const VARIABLE_TAG_MAX = 256;

const count = (n: number): string => n.toLocaleString('en-US');

/** What is wrong with a variable's name, said after its field name; null when nothing is. */
export function variableNameProblem(name: string): string | null {
  if (name.length === 0) return 'must not be empty';
  if (name.length > VARIABLE_NAME_MAX) return `${count(name.length)} characters; at most ${count(VARIABLE_NAME_MAX)}`;
  return VARIABLE_NAME_PATTERN.test(name) ? null : VARIABLE_NAME_RULE;
}

/** The value as stored: its JSON text, or undefined when it has none (undefined, a function). */
export function serialiseVariableValue(value: unknown): string | undefined {
  try {
    // Typed as a string, though undefined and functions give undefined.
    const text: string | undefined = JSON.stringify(value);
    return text;
  } catch {
    // A cycle or a BigInt: not a JSON value.
    return undefined;
  }
}

/** What is wrong with a variable's value, said after its field name; null when nothing is. */
export function variableValueProblem(value: unknown): string | null {
  const text = serialiseVariableValue(value);
  if (text === undefined) return 'must be a JSON value (text, a number, true or false, null, a list or an object)';
  if (text.length > VARIABLE_VALUE_MAX) return `${count(text.length)} characters when serialised; at most ${count(VARIABLE_VALUE_MAX)}`;
  return null;
}

/** What is wrong with a variable's tags, said after its field name; null when nothing is. */
export function variableTagsProblem(tags: readonly string[]): string | null {
  if (tags.length > VARIABLE_TAGS_MAX) return `${tags.length} tags; at most ${VARIABLE_TAGS_MAX}`;
  for (const tag of tags) {
    if (tag.length === 0) return 'a tag must not be empty';
    if (tag.length > VARIABLE_TAG_MAX) return `a tag of ${count(tag.length)} characters; at most ${count(VARIABLE_TAG_MAX)}`;
  }
  return null;
}

/** Every problem with a variable as a person would set it, each as `field: problem`. */
export function variableProblems(variable: { name: string; value: unknown; tags?: readonly string[] }): string[] {
  const problems: string[] = [];
  const name = variableNameProblem(variable.name);
  if (name) problems.push(`name: ${name}`);
  const value = variableValueProblem(variable.value);
  if (value) problems.push(`value: ${value}`);
  const tags = variable.tags ? variableTagsProblem(variable.tags) : null;
  if (tags) problems.push(`tags: ${tags}`);
  return problems;
}
