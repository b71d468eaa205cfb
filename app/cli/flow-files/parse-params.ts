import { UsageError } from '../errors.js';

interface FieldSchema {
  safeParse(value: unknown): { success: boolean };
}

/** The zod schema of one parameter, when the flow's schema is an object schema. */
function fieldSchema(schema: unknown, key: string): FieldSchema | null {
  const shape = (schema as { shape?: Record<string, FieldSchema> } | undefined)?.shape;
  const field = shape?.[key];
  return field && typeof field.safeParse === 'function' ? field : null;
}

/** The parameter names an object schema declares, or null when it declares none. */
function knownKeys(schema: unknown): string[] | null {
  const shape = (schema as { shape?: Record<string, unknown> } | undefined)?.shape;
  return shape && typeof shape === 'object' ? Object.keys(shape) : null;
}

/**
 * Turns `--param key=value` strings into parameters. With a schema, each value becomes what the
 * schema accepts: the JSON reading (numbers, booleans, arrays, objects) if it fits, else the
 * text itself. Without one, JSON when it parses, else text.
 */
export function parseParams(pairs: readonly string[], schema: unknown): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--param takes key=value, got '${pair}'`);
    const key = pair.slice(0, eq).trim();
    const raw = pair.slice(eq + 1);
    let asJson: { ok: true; value: unknown } | { ok: false } = { ok: false };
    try {
      asJson = { ok: true, value: JSON.parse(raw) };
    } catch {
      // not JSON: the text itself is the value
    }
    const known = knownKeys(schema);
    if (known && !known.includes(key)) {
      throw new UsageError(`the flow has no parameter '${key}'; it takes ${known.length ? known.join(', ') : 'none'}`);
    }
    const field = fieldSchema(schema, key);
    if (field) {
      if (asJson.ok && field.safeParse(asJson.value).success) params[key] = asJson.value;
      else if (field.safeParse(raw).success) params[key] = raw;
      // Neither fits: hand over the typed reading, so the schema's own message says what is wrong.
      else params[key] = asJson.ok ? asJson.value : raw;
    } else {
      params[key] = asJson.ok ? asJson.value : raw;
    }
  }
  return params;
}

/** `--params-json '{"key": value}'`: every parameter at once, as JSON types them. */
export function parseParamsJson(raw: string | undefined): Record<string, unknown> {
  if (raw === undefined) return {};
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (error) {
    throw new UsageError(`--params-json is not valid JSON: ${(error as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new UsageError(`--params-json must be a JSON object of parameters, like '{"limit": 10}'`);
  }
  return value as Record<string, unknown>;
}
