/**
 * Graph edits applied to the source text. Each edit is a few small splices, so comments,
 * formatting and hand-written code around them stay exactly as they were.
 */
import { z } from 'zod';
import { FlowParameterSchema, InputBindingSchema, NodeScopeSchema, type InputBinding } from './graph.js';
import { analyzeForEdit, checkExpression, EditError, isBound, siteOf, writeOption, writeSlot } from './edit-args.js';
import { setCode } from './edit-code.js';
import { connectSlot } from './edit-connect.js';
import { bindingText } from './edit-context.js';
import { credentialImport, fieldTakes, isCredential } from './credentials.js';
import { ensureImport, pruneImports } from './imports.js';
import { addNode, removeNode, renameNode, setParameters } from './edit-steps.js';
import { fieldSpec, nodeKind, SDK_MODULE, type NodeKind } from './node-kinds.js';
import { LiteralError, renderLiteral } from './syntax.js';

export { EditError } from './edit-args.js';

const FieldValues = z.record(z.string(), z.unknown());

export const GraphEditSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('addNode'),
    kind: z.string(),
    id: z.string().optional(),
    name: z.string().optional(),
    fields: FieldValues.optional(),
    /** The node the new one follows (its declaration and its call). */
    after: z.string().optional(),
    /** The branch arm to add it to, when not after a node. */
    scope: NodeScopeSchema.optional(),
  }),
  z.object({ type: z.literal('removeNode'), id: z.string() }),
  z.object({ type: z.literal('renameNode'), id: z.string(), newId: z.string() }),
  /** A value of undefined removes the field. */
  z.object({ type: z.literal('setFields'), id: z.string(), fields: FieldValues }),
  /** A value of undefined or null removes the option. */
  z.object({ type: z.literal('setOptions'), id: z.string(), options: FieldValues }),
  z.object({ type: z.literal('connect'), source: z.string(), target: z.string(), input: z.string(), path: z.array(z.string()).optional() }),
  z.object({ type: z.literal('disconnect'), target: z.string(), input: z.string() }),
  /** Binds an input to a node's result, a flow parameter, a secret or block loaded by name, or any expression. */
  z.object({ type: z.literal('setInput'), id: z.string(), input: z.string(), binding: InputBindingSchema }),
  z.object({ type: z.literal('setParameters'), parameters: z.array(FlowParameterSchema) }),
  /** Replaces the function of a node that carries code (a pasted code node keeps its own, not the kind's starting one). */
  z.object({ type: z.literal('setCode'), id: z.string(), code: z.string() }),
]);
export type GraphEdit = z.infer<typeof GraphEditSchema>;

function literalText(value: unknown, what: string, nodeId: string): string {
  try {
    return renderLiteral(value);
  } catch (error) {
    if (error instanceof LiteralError) throw new EditError(`${what}: ${error.message}`, nodeId);
    throw error;
  }
}

/** The code a field value is written as: code fields as they are, everything else as a literal. */
function fieldText(kind: NodeKind, nodeId: string, name: string, value: unknown): string {
  if (fieldSpec(kind, name)?.control === 'code') {
    if (typeof value !== 'string') throw new EditError(`${name} takes code as text`, nodeId);
    checkExpression(value, name, nodeId);
    return value;
  }
  return literalText(value, name, nodeId);
}

function disconnect(source: string, target: string, input: string): string {
  const analysis = analyzeForEdit(source);
  const site = siteOf(analysis, target);
  if (!isBound(analysis, target, input)) return source;
  // A required field that has a starting value goes back to it rather than disappearing.
  const spec = fieldSpec(site.kind, input);
  const initial = site.kind.initialFields[input];
  const text = spec?.required && initial !== undefined ? fieldText(site.kind, target, input, initial) : undefined;
  return pruneImports(source, writeSlot(source, target, input, text));
}

function setInput(source: string, id: string, input: string, binding: InputBinding): string {
  if (binding.from === 'node') return connectSlot(source, binding.node, binding.path, id, input);
  if (binding.from === 'expression') checkExpression(binding.code, input, id);
  const analysis = analyzeForEdit(source);
  const site = siteOf(analysis, id);
  if (!isCredential(binding)) return pruneImports(source, writeSlot(source, id, input, bindingText(analysis, binding)));
  const spec = fieldSpec(site.kind, input);
  if (!fieldTakes(spec, binding)) {
    const takes = spec?.credentialTypes?.length ? `; it takes ${spec.credentialTypes.join(', ')}` : '';
    const what = binding.from === 'secret' ? 'a secret' : `a ${binding.type} block`;
    throw new EditError(`${site.kind.label}'s '${input}' cannot take ${what}${takes}`, id);
  }
  // The import first, so the reference is written with the name the module calls it.
  const withImport = ensureImport(source, SDK_MODULE, credentialImport(binding));
  return pruneImports(source, writeSlot(withImport, id, input, bindingText(analyzeForEdit(withImport), binding)));
}

/** Applies one graph edit to a flow module's source and returns the new source. Throws EditError. */
export function applyEdit(source: string, edit: GraphEdit): string {
  switch (edit.type) {
    case 'addNode': {
      const kind = nodeKind(edit.kind);
      return addNode(source, edit, (k, name, value) => fieldText(kind ?? k, edit.id ?? edit.kind, name, value));
    }
    case 'removeNode':
      return removeNode(source, edit.id, disconnect);
    case 'renameNode':
      return renameNode(source, edit.id, edit.newId);
    case 'setFields': {
      let text = source;
      for (const [name, value] of Object.entries(edit.fields)) {
        const site = siteOf(analyzeForEdit(text), edit.id);
        text = writeSlot(text, edit.id, name, value === undefined ? undefined : fieldText(site.kind, edit.id, name, value));
      }
      // A value in place of a secret or block leaves its import unused.
      return pruneImports(source, text);
    }
    case 'setOptions': {
      let text = source;
      for (const [name, value] of Object.entries(edit.options)) {
        if (name === 'name' && (typeof value !== 'string' || value === '')) throw new EditError('A name must be a non-empty string', edit.id);
        text = writeOption(text, edit.id, name, value === undefined || value === null ? undefined : literalText(value, name, edit.id));
      }
      return text;
    }
    case 'connect':
      return connectSlot(source, edit.source, edit.path, edit.target, edit.input);
    case 'disconnect':
      return disconnect(source, edit.target, edit.input);
    case 'setInput':
      return setInput(source, edit.id, edit.input, edit.binding);
    case 'setParameters':
      return setParameters(source, edit.parameters);
    case 'setCode':
      return setCode(source, edit.id, edit.code);
  }
}

/** Applies edits in order. */
export function applyEdits(source: string, edits: readonly GraphEdit[]): string {
  return edits.reduce(applyEdit, source);
}
