/** What the server found wrong with a form's values, by the field each part names. */
export interface PlacedProblems {
  byField: Record<string, string>;
  /** What names no field of the form, one line each. */
  rest: string[];
}

type Issue = { path: readonly (string | number)[]; message: string };

/** The part of an issue's path inside the parameters: the server may start it at the request's `parameters`. */
function parameterPath(path: readonly (string | number)[]): readonly (string | number)[] {
  return path[0] === 'parameters' ? path.slice(1) : path;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Puts the server's refusal beside the fields of a form it names. Issues with a path go to the field the
 * path starts at; a message without issues goes to the one field it names ("count: must be a
 * number", "'count' …"), or stays a line of its own when it names none or several.
 */
export function placeServerProblems(fieldNames: readonly string[], message: string, issues: readonly Issue[]): PlacedProblems {
  const names = new Set(fieldNames);
  const byField: Record<string, string> = {};
  const rest: string[] = [];
  const add = (field: string, text: string) => (byField[field] = byField[field] ? `${byField[field]}; ${text}` : text);
  for (const issue of issues) {
    const [head, ...tail] = parameterPath(issue.path);
    if (typeof head === 'string' && names.has(head)) add(head, tail.length > 0 ? `${tail.join('.')}: ${issue.message}` : issue.message);
    else rest.push(issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message);
  }
  if (issues.length > 0) return { byField, rest };
  const named = fieldNames.filter((name) => new RegExp(`(^|[\\s'"\`(/.])${escapeRegExp(name)}(['"\`)]|:|\\s|$)`).test(message));
  if (named.length === 1) add(named[0], message);
  else rest.push(message);
  return { byField, rest };
}
