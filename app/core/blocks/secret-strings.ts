/**
 * Every string the secret fields of a document hold (each value of an object of secrets): what a
 * run that loads the document masks. Apart from the registry so the engine reads it without zod.
 */
export function secretStrings(secretFields: readonly string[], data: Record<string, unknown>): string[] {
  const found: string[] = [];
  for (const field of secretFields) {
    const value = data[field];
    if (typeof value === 'string') found.push(value);
    else if (value !== null && typeof value === 'object') for (const item of Object.values(value)) if (typeof item === 'string') found.push(item);
  }
  return found;
}
