/**
 * One code shape of steps (see KindSyntax): how the parser reads it, how the writer writes it and
 * what edits must know of it. Each shape is a module of this folder and an entry of the table in
 * index.ts, so a new shape is a new entry there.
 */
import type { GraphNode } from '../graph.js';
import type { ArgumentStyle, KindSyntax, NodeKind } from '../node-kinds.js';
import type { CodeParameter } from '../syntax.js';
import type { WriteContext } from '../write-parts.js';

interface ShapeRead {
  /** What a step of this shape is recognised by besides its form: the function it calls, or how a task is called. */
  readonly key?: string;
  /** How the call's arguments are written; a subflow called like a function (`positional`) takes its function's parameters. */
  argumentStyle(positional?: boolean): ArgumentStyle | { style: 'code' } | undefined;
  /** The parameters of the function the step carries, or null when its code is not one. */
  codeParameters(code: string): CodeParameter[] | null;
}

interface ShapeWrite {
  /** The one name a step of this shape needs imported. */
  readonly imports?: { readonly module: 'sdk' | 'tasks'; readonly name: string };
  /** Whether a step has a module-level declaration of its own (a task, a child flow). */
  readonly declared: boolean;
  /** Whether a step gives a result other steps may read. */
  readonly result: boolean;
  /** Whether a step's declaration is an import among the module's imports. */
  importedDeclaration(node: GraphNode): boolean;
  /** The declaration, without its comment. */
  declaration?(node: GraphNode, ctx: WriteContext): string;
  /** What is called to run the step (`fetchUsers`, `score.map`) and what follows the arguments (`.result()`). */
  callee(node: GraphNode, ctx: WriteContext): { callee: string; after: string };
  /** The statement that runs the step, for a shape that is a statement rather than a call (a branch's first line). */
  statement?(node: GraphNode, kind: NodeKind, ctx: WriteContext, indent: string): string;
}

interface ShapeEdit {
  /** Whether a step is named by its result variable rather than by a declaration (a pause). */
  readonly namedByResult: boolean;
  /** Whether the statement opens a block an added step must close (a branch). */
  readonly opensBlock: boolean;
}

export interface Shape {
  readonly read: ShapeRead;
  readonly write: ShapeWrite;
  readonly edit: ShapeEdit;
}

/** A shape's codec: its parts for one kind's syntax. */
export type ShapeCodec<S extends KindSyntax> = (syntax: S) => Shape;

/** The callee of a step that is called by its own (or its first call's) name. */
export function ownCallee(node: GraphNode): { callee: string; after: string } {
  return { callee: node.repeats ?? node.id, after: '' };
}
