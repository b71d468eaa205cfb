/**
 * Where each part of a flow module sits in its syntax tree: what parsing leaves behind so that
 * edits can change exactly the text they mean to.
 */
import type ts from 'typescript';
import type { FlowGraph, GraphNode, Problem } from './graph.js';
import type { NodeKind } from './node-kinds.js';

/** One argument of a step: a property of its object argument, or a positional argument. */
export interface SlotSite {
  name: string;
  /** The property or argument that is removed when the slot is cleared. */
  element: ts.Node;
  value: ts.Expression;
}

export interface ArgsSite {
  style: 'object' | 'positional';
  /** The call whose parentheses hold the arguments. */
  call: ts.CallExpression;
  object?: ts.ObjectLiteralExpression;
  /** For positional arguments: the name of each position. */
  names: readonly string[];
  slots: SlotSite[];
}

export interface CallSite {
  /** The statement holding the call; for a flow written `async () => step()`, the arrow's body. */
  statement: ts.Statement | ts.Expression;
  /** The `await ...` expression a result variable is assigned from. */
  awaitExpression?: ts.AwaitExpression;
  output?: ts.Identifier;
  args?: ArgsSite;
  ifStatement?: ts.IfStatement;
}

export interface DeclarationSite {
  statement: ts.Statement;
  name: ts.Identifier;
  /** The options object (`withOptions({...})`, `task({...}, fn)`), when written. */
  options?: ts.ObjectLiteralExpression;
  /** A library task used without `.withOptions`. */
  bare?: ts.Expression;
  /** `.withOptions()` with no object yet. */
  emptyWithOptions?: ts.CallExpression;
  /** `task(fn)` with no options yet. */
  taskCall?: ts.CallExpression;
}

export interface NodeSite {
  node: GraphNode;
  kind: NodeKind;
  declaration?: DeclarationSite;
  call?: CallSite;
}

export type ParamStyle =
  { style: 'none' } | { style: 'identifier'; name: string } | { style: 'destructured'; locals: ReadonlyMap<string, string> } | { style: 'other' };

export interface FlowSite {
  statement: ts.Statement;
  exportStatement?: ts.Statement;
  call: ts.CallExpression;
  fn?: ts.ArrowFunction | ts.FunctionExpression;
  body?: ts.Block;
  conciseBody?: ts.Expression;
  params: ParamStyle;
}

export interface ImportSite {
  declaration: ts.ImportDeclaration;
  named: ts.NamedImports;
  /** Imported name to local name. */
  locals: Map<string, string>;
}

export interface ModuleAnalysis {
  source: string;
  file: ts.SourceFile;
  graph: FlowGraph;
  problems: Problem[];
  syntaxErrorCount: number;
  sites: Map<string, NodeSite>;
  flow?: FlowSite;
  sdkImport?: ImportSite;
  tasksImport?: ImportSite;
}
