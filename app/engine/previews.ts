import { maskCredentialsInJson } from './mask-credentials.js';

/** How much of a value's JSON is kept for people to read. */
const PREVIEW_LIMIT = 2000;

function isPrimitive(value: unknown): boolean {
  return value === null || typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean';
}

/** True for values JSON renders faithfully without help: primitives, and arrays or plain objects of them. */
function isPlainJson(value: unknown): boolean {
  if (isPrimitive(value)) return typeof value !== 'number' || Number.isFinite(value);
  if (Array.isArray(value)) return value.length <= 64 && value.every((v) => isPrimitive(v) && (typeof v !== 'number' || Number.isFinite(v)));
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const values = Object.values(value as object);
    return values.length <= 64 && values.every((v) => isPrimitive(v) && (typeof v !== 'number' || Number.isFinite(v)));
  }
  return false;
}

function cut(text: string, limit: number): string {
  return text.length > limit ? `${text.slice(0, limit - 1)}…` : text;
}

/** A JSON rendering of any value that never throws, cut at `limit` characters. */
export function previewOf(value: unknown, limit = PREVIEW_LIMIT): string {
  return cut(renderJson(value), limit);
}

/**
 * The JSON of a value that JSON gives back exactly (a primitive, or a flat array or plain object
 * of them; not -0), or null: most task results, which then need no other serialization.
 */
export function exactJsonOf(value: unknown): string | null {
  if (!isPlainJson(value) || Object.is(value, -0)) return null;
  if (typeof value === 'object' && value !== null && Object.values(value).some((v) => Object.is(v, -0))) return null;
  return JSON.stringify(value);
}

/** The preview of a value whose whole JSON is `json`. */
export function previewOfJson(json: string, limit = PREVIEW_LIMIT): string {
  return cut(json, limit);
}

/**
 * A preview of a task run's arguments, where secrets are most often passed: passwords in URLs are
 * masked, before the cut so that no part of one survives it.
 */
export function inputsPreviewOf(args: readonly unknown[], limit = PREVIEW_LIMIT): string {
  return cut(maskCredentialsInJson(renderJson(args)), limit);
}

/** The whole JSON rendering of any value; never throws. */
function renderJson(value: unknown): string {
  // Most arguments and results are small plain values; they need no replacer.
  if (isPlainJson(value)) return JSON.stringify(value);
  let text: string | undefined;
  try {
    const seen = new WeakSet<object>();
    text = JSON.stringify(value, (_key, v: unknown): unknown => {
      if (typeof v === 'bigint') return `${v}n`;
      if (typeof v === 'function') return `[Function ${(v as { name?: string }).name || 'anonymous'}]`;
      if (v instanceof Map) return Object.fromEntries(v);
      if (v instanceof Set) return [...v];
      if (v instanceof Error) return { name: v.name, message: v.message };
      if (typeof v === 'object' && v !== null) {
        if (seen.has(v)) return '[Circular]';
        seen.add(v);
      }
      return v;
    });
  } catch (error) {
    text = JSON.stringify(`[unrenderable: ${(error as Error).message}]`);
  }
  return text ?? 'null';
}

class NotHashableError extends Error {}

/** JSON with sorted keys, so equal values give equal text; refuses what has no stable form. */
export function stableStringify(value: unknown): string {
  const walk = (v: unknown): unknown => {
    if (v === undefined) return { $undefined: true };
    if (typeof v === 'bigint') return { $bigint: v.toString() };
    if (typeof v === 'function' || typeof v === 'symbol') {
      throw new NotHashableError(`a ${typeof v} cannot be part of a cache key`);
    }
    if (v === null || typeof v !== 'object') return v;
    if (v instanceof Date) return { $date: v.toISOString() };
    if (v instanceof Map) return { $map: [...v.entries()].map(([k, x]) => [walk(k), walk(x)]) };
    if (v instanceof Set) return { $set: [...v].map(walk) };
    if (ArrayBuffer.isView(v)) return { $bytes: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') };
    if (Array.isArray(v)) return v.map(walk);
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(v).sort()) out[key] = walk((v as Record<string, unknown>)[key]);
    return out;
  };
  return JSON.stringify(walk(value));
}

export function isNotHashable(error: unknown): boolean {
  return error instanceof NotHashableError;
}
