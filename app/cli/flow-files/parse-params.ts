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
    const field = fieldSchema(schema, key);
    if (field) {
      if (asJson.ok && field.safeParse(asJson.value).success) params[key] = asJson.value;
      else params[key] = raw;
    } else {
      params[key] = asJson.ok ? asJson.value : raw;
    }
  }
  return params;
}
