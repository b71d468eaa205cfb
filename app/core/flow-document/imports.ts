/** Keeps the `flowdeck` and `flowdeck/tasks` imports in step with what the module uses. */
import ts from 'typescript';
import { SDK_MODULE, TASKS_MODULE } from './node-kinds.js';
import { addListElement, applySplices, insertListElement, namedImportList, removeListElement, statementRange, type Splice } from './splice.js';
import { createSource, quoteString, valueIdentifiers } from './syntax.js';

type ImportModule = typeof SDK_MODULE | typeof TASKS_MODULE;

function namedImportOf(file: ts.SourceFile, from: ImportModule): ts.ImportDeclaration | undefined {
  for (const s of file.statements) {
    if (!ts.isImportDeclaration(s) || !ts.isStringLiteral(s.moduleSpecifier) || s.moduleSpecifier.text !== from) continue;
    const clause = s.importClause;
    if (clause && !clause.isTypeOnly && !clause.name && clause.namedBindings && ts.isNamedImports(clause.namedBindings)) return s;
  }
  return undefined;
}

/** The local name `name` from `from` has in the module, if it is imported. */
export function importedLocal(file: ts.SourceFile, from: ImportModule, name: string): string | undefined {
  const named = namedImportOf(file, from)?.importClause?.namedBindings as ts.NamedImports | undefined;
  const element = named?.elements.find((e) => (e.propertyName ?? e.name).text === name && !e.isTypeOnly);
  return element?.name.text;
}

/** Adds `name` to the module's import from `from` (in order, if the list is sorted), or a new import line. */
export function ensureImport(source: string, from: ImportModule, name: string): string {
  const file = createSource(source);
  if (importedLocal(file, from, name) !== undefined) return source;
  const declaration = namedImportOf(file, from);
  if (declaration) {
    const named = declaration.importClause!.namedBindings as ts.NamedImports;
    const names = named.elements.map((e) => e.name.text);
    const sorted = names.every((n, i) => i === 0 || names[i - 1].localeCompare(n) <= 0);
    const list = namedImportList(named);
    const splices = sorted
      ? insertListElement(
          source,
          list,
          names.findIndex((n) => n.localeCompare(name) > 0) === -1 ? names.length : names.findIndex((n) => n.localeCompare(name) > 0),
          name,
        )
      : addListElement(source, list, name);
    return applySplices(source, splices);
  }
  const line = `import { ${name} } from ${quoteString(from)};`;
  const imports = file.statements.filter(ts.isImportDeclaration);
  // The tasks import goes right after the SDK's, where people expect it.
  const anchor = (from === TASKS_MODULE ? namedImportOf(file, SDK_MODULE) : undefined) ?? imports[imports.length - 1];
  if (anchor) {
    const end = anchor.end;
    return `${source.slice(0, end)}\n${line}${source.slice(end)}`;
  }
  const first = file.statements[0];
  const at = first ? first.getStart() : source.length;
  return `${source.slice(0, at)}${line}\n\n${source.slice(at)}`;
}

/** How often each name is used as a value outside import declarations. */
function identifierUses(file: ts.SourceFile): Map<string, number> {
  const uses = new Map<string, number>();
  for (const s of file.statements) {
    if (ts.isImportDeclaration(s)) continue;
    valueIdentifiers(s, (id) => uses.set(id.text, (uses.get(id.text) ?? 0) + 1));
  }
  return uses;
}

/**
 * Removes names from the `flowdeck` imports that an edit left unused. Names that were already
 * unused before the edit are the author's business and stay.
 */
export function pruneImports(before: string, after: string): string {
  const usedBefore = identifierUses(createSource(before));
  const file = createSource(after);
  const usedAfter = identifierUses(file);
  const splices: Splice[] = [];
  for (const from of [SDK_MODULE, TASKS_MODULE] as const) {
    const declaration = namedImportOf(file, from);
    if (!declaration) continue;
    const named = declaration.importClause!.namedBindings as ts.NamedImports;
    const dropped = named.elements
      .map((e, i) => ({ i, name: e.name.text }))
      .filter(({ name }) => (usedBefore.get(name) ?? 0) > 0 && (usedAfter.get(name) ?? 0) === 0);
    if (dropped.length === 0) continue;
    if (dropped.length === named.elements.length) {
      const range = statementRange(after, declaration, false);
      splices.push({ ...range, text: '' });
      continue;
    }
    // One at a time, from the end, so each removal sees the list as it then is.
    let text = after;
    for (const { i } of [...dropped].reverse()) {
      const current = namedImportOf(createSource(text), from)!;
      text = applySplices(text, removeListElement(text, namedImportList(current.importClause!.namedBindings as ts.NamedImports), i));
    }
    return pruneImports(before, text);
  }
  return applySplices(after, splices);
}
