/**
 * Credential references in node fields: a secret or a block loaded by name when the run starts,
 * written as `(await Secret.load('db-url')).get()` or `await loadBlock('sql-connection/warehouse')`
 * and read back from the same shapes, so no credential is ever written into a flow file.
 */
import ts from 'typescript';
import type { InputBinding } from './graph.js';
import type { FieldSpec } from './node-kinds.js';
import { quoteString, skipParens } from './syntax.js';

/** The block type whose entries are loaded with `Secret.load(name)`, as a string. */
export const SECRET_TYPE = 'secret';

export type CredentialBinding = Extract<InputBinding, { from: 'secret' } | { from: 'block' }>;

export function isCredential(binding: InputBinding | undefined): binding is CredentialBinding {
  return binding?.from === 'secret' || binding?.from === 'block';
}

/** The SDK names a reference's code uses. */
export function credentialImport(binding: CredentialBinding): 'Secret' | 'loadBlock' {
  return binding.from === 'secret' ? 'Secret' : 'loadBlock';
}

/** The code that loads a reference, with the SDK names as the module calls them. */
export function credentialText(binding: CredentialBinding, local: (name: string) => string = (name) => name): string {
  if (binding.from === 'secret') return `(await ${local('Secret')}.load(${quoteString(binding.name)})).get()`;
  return `await ${local('loadBlock')}(${quoteString(`${binding.type}/${binding.name}`)})`;
}

/** How a reference reads to a person. */
export function credentialLabel(binding: CredentialBinding): string {
  return binding.from === 'secret' ? `secret ${binding.name}` : `block ${binding.type}/${binding.name}`;
}

function onlyStringArgument(call: ts.CallExpression): string | undefined {
  const [arg] = call.arguments;
  return call.arguments.length === 1 && ts.isStringLiteralLike(arg) ? arg.text : undefined;
}

/**
 * The reference an argument's code is, when it has one of the two shapes: `(await
 * Secret.load('x')).get()` or `await loadBlock('type/name')`, with the SDK names as `local` says
 * the module calls them.
 */
export function readCredential(expression: ts.Expression, local: (name: string) => string = (name) => name): CredentialBinding | undefined {
  const e = skipParens(expression);
  if (ts.isCallExpression(e) && e.arguments.length === 0 && ts.isPropertyAccessExpression(e.expression) && e.expression.name.text === 'get') {
    const loaded = skipParens(e.expression.expression);
    if (!ts.isAwaitExpression(loaded)) return undefined;
    const call = skipParens(loaded.expression);
    if (!ts.isCallExpression(call) || !ts.isPropertyAccessExpression(call.expression)) return undefined;
    const target = call.expression;
    if (target.name.text !== 'load' || !ts.isIdentifier(target.expression) || target.expression.text !== local('Secret')) return undefined;
    const name = onlyStringArgument(call);
    return name ? { from: 'secret', name } : undefined;
  }
  if (!ts.isAwaitExpression(e)) return undefined;
  const call = skipParens(e.expression);
  if (!ts.isCallExpression(call) || !ts.isIdentifier(call.expression) || call.expression.text !== local('loadBlock')) return undefined;
  const address = onlyStringArgument(call)?.split('/');
  if (!address || address.length !== 2 || !address[0] || !address[1]) return undefined;
  return { from: 'block', type: address[0], name: address[1] };
}

/** Whether a field takes this reference: a secret where it takes secrets, a block of a type it lists. */
export function fieldTakes(spec: FieldSpec | undefined, binding: CredentialBinding): boolean {
  const types = spec?.credentialTypes ?? [];
  return binding.from === 'secret' ? types.includes(SECRET_TYPE) : types.includes(binding.type);
}

/** A URL with a password in it (`postgres://user:pw@host/db`). */
const URL_WITH_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/[^/@\s]*:[^/@\s]+@/i;
/** A bearer token, a basic credential or an API key written out. */
const TOKEN = /^(bearer|basic|token)\s+\S{8,}$/i;
/** Keys of an object that hold credentials. */
const SECRET_KEYS = new Set(['password', 'token', 'secret', 'apikey', 'api_key']);

/**
 * What about a plain value looks like a credential written into the file, if anything: the
 * builder warns and points to a secret instead.
 */
export function credentialLook(value: unknown): string | undefined {
  if (typeof value === 'string') {
    if (URL_WITH_PASSWORD.test(value.trim())) return 'a URL with a password';
    if (TOKEN.test(value.trim())) return 'a token';
    return undefined;
  }
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      if (SECRET_KEYS.has(key.toLowerCase()) && typeof item === 'string' && item !== '') return `a ${key}`;
      const inner = credentialLook(item);
      if (inner) return inner;
    }
  }
  return undefined;
}
