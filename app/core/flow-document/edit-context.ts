/** What edits need to know about a module: the names in use, and how references are written in it. */
import ts from 'typescript';
import { credentialText, isCredential } from './credentials.js';
import type { InputBinding } from './graph.js';
import { takenNames } from './ids.js';
import { importedLocal } from './imports.js';
import { SDK_MODULE, TASKS_MODULE } from './node-kinds.js';
import type { ModuleAnalysis } from './sites.js';
import { EditError } from './edit-args.js';
import { isVariableName } from './syntax.js';
import { pathText, type WriteContext } from './write-parts.js';

/** Every identifier written anywhere in the module: a new name must not capture or shadow one. */
function identifiersIn(file: ts.Node): Set<string> {
  const names = new Set<string>();
  const walk = (node: ts.Node): void => {
    if (ts.isIdentifier(node)) names.add(node.text);
    ts.forEachChild(node, walk);
  };
  walk(file);
  return names;
}

/** Names a new module-level declaration must avoid: every identifier in the file, so nothing is captured. */
export function allTaken(analysis: ModuleAnalysis): Set<string> {
  const taken = takenNames(analysis.graph);
  for (const name of identifiersIn(analysis.file)) taken.add(name);
  return taken;
}

/** Names a new result variable in the flow's body must avoid: module-level names and those in the flow itself. */
export function flowTaken(analysis: ModuleAnalysis): Set<string> {
  const taken = takenNames(analysis.graph);
  for (const statement of analysis.file.statements) {
    if (ts.isImportDeclaration(statement)) {
      const clause = statement.importClause;
      if (clause?.name) taken.add(clause.name.text);
      if (clause?.namedBindings && ts.isNamedImports(clause.namedBindings)) for (const e of clause.namedBindings.elements) taken.add(e.name.text);
      if (clause?.namedBindings && ts.isNamespaceImport(clause.namedBindings)) taken.add(clause.namedBindings.name.text);
    } else for (const name of declaredNames(statement)) taken.add(name);
  }
  if (analysis.flow?.fn) for (const name of identifiersIn(analysis.flow.fn)) taken.add(name);
  return taken;
}

export function checkNewId(analysis: ModuleAnalysis, id: string): void {
  if (!isVariableName(id)) throw new EditError(`'${id}' cannot name a node: use letters, digits, _ or $, not starting with a digit`);
  if (allTaken(analysis).has(id)) throw new EditError(`'${id}' is already used in this flow; choose another name`);
}

/** How references read in this module (its parameter style, its result variables). */
export function writeContext(analysis: ModuleAnalysis): WriteContext {
  return {
    local: (module, name) => importedLocal(analysis.file, module === 'sdk' ? SDK_MODULE : TASKS_MODULE, name) ?? name,
    binding: (b) => bindingText(analysis, b),
  };
}

export function bindingText(analysis: ModuleAnalysis, binding: InputBinding): string {
  if (binding.from === 'expression') return binding.code;
  if (isCredential(binding)) return credentialText(binding, (name) => importedLocal(analysis.file, SDK_MODULE, name) ?? name);
  if (binding.from === 'node') {
    const output = analysis.sites.get(binding.node)?.node.output;
    if (!output) throw new EditError(`'${binding.node}' has no result variable yet`, binding.node);
    return `${output}${pathText(binding.path)}`;
  }
  const params = analysis.flow?.params;
  if (params?.style === 'identifier') return `${params.name}.${binding.name}${pathText(binding.path)}`;
  if (params?.style === 'destructured') {
    const local = [...params.locals].find(([, name]) => name === binding.name)?.[0];
    if (local !== undefined) return `${local}${pathText(binding.path)}`;
    throw new EditError(`The flow does not take a parameter '${binding.name}'; add it to the flow's parameters first`);
  }
  throw new EditError(`The flow takes no parameters; add '${binding.name}' to its parameters first`);
}

export function declaredNames(statement: ts.Statement): Set<string> {
  const names = new Set<string>();
  const bind = (n: ts.BindingName): void => {
    if (ts.isIdentifier(n)) names.add(n.text);
    else for (const e of n.elements) if (!ts.isOmittedExpression(e)) bind(e.name);
  };
  if (ts.isVariableStatement(statement)) for (const d of statement.declarationList.declarations) bind(d.name);
  if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) && statement.name) names.add(statement.name.text);
  return names;
}
