const IDENTIFIER = '[A-Za-z_$][\\w$]*';

function escaped(name: string): string {
  return name.replace(/\$/g, '\\$');
}

/** How the module exports the binding `name`: 'default', its name, or an alias; null when it does not. */
function exportOfBinding(source: string, name: string): string | null {
  const binding = escaped(name);
  if (new RegExp(`export\\s+default\\s+${binding}\\s*(;|$)`, 'm').test(source)) return 'default';
  for (const list of source.matchAll(/export\s*\{([^}]*)\}(?!\s*from)/g)) {
    for (const item of list[1].split(',')) {
      const match = new RegExp(`^\\s*${binding}(?:\\s+as\\s+(${IDENTIFIER}))?\\s*$`).exec(item);
      if (match) return match[1] ?? name;
    }
  }
  return null;
}

/**
 * The export of a module that holds the flow defined by the `flow(` call at `line`:`column` (1-based)
 * of its source: `export default flow(...)`, `export const etl = flow(...)`, or `const etl =
 * flow(...)` exported later by `export default etl` or `export { etl }`. Null when it is not exported.
 */
export function exportNameAt(source: string, line: number, column: number): string | null {
  const lines = source.split('\n');
  const before = (lines[line - 1] ?? '').slice(0, Math.max(0, column - 1));
  if (/export\s+default\s*$/.test(before) || /export\s+default\s+\(?\s*$/.test(before)) return 'default';
  const declared = new RegExp(`(export\\s+)?(?:const|let|var)\\s+(${IDENTIFIER})\\s*(?::[^=]+)?=\\s*(?:await\\s+)?$`).exec(before);
  if (!declared) return null;
  if (declared[1]) return declared[2];
  return exportOfBinding(source, declared[2]);
}
