/** The part of a zod schema coercion reads: whether it accepts a value, and how it is built. */
interface SchemaLike {
  safeParse(value: unknown): { success: boolean };
  def?: { type?: string; innerType?: SchemaLike; element?: SchemaLike; shape?: Record<string, SchemaLike> };
}

function isSchema(value: unknown): value is SchemaLike {
  return typeof (value as SchemaLike | undefined)?.safeParse === 'function';
}

/** The schema under optional, nullable and default wrappers. */
function unwrapped(schema: SchemaLike): SchemaLike {
  let inner = schema;
  for (let i = 0; i < 16 && inner.def?.innerType && isSchema(inner.def.innerType); i++) inner = inner.def.innerType;
  return inner;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}

/**
 * A value the schema refuses, read as `--param` reads its text: a string whose JSON reading the
 * schema accepts becomes that reading ("1" for a number is 1, "true" for a boolean is true);
 * arrays and objects are read item by item. Anything else is left for the schema to refuse.
 */
function coerceValue(schema: SchemaLike, value: unknown): unknown {
  if (schema.safeParse(value).success) return value;
  if (typeof value === 'string') {
    try {
      const reading: unknown = JSON.parse(value);
      if (schema.safeParse(reading).success) return reading;
    } catch {
      // Not JSON: the schema's own message says what is wrong.
    }
    return value;
  }
  const inner = unwrapped(schema);
  const element = inner.def?.type === 'array' ? inner.def.element : undefined;
  if (Array.isArray(value) && element && isSchema(element)) return value.map((item) => coerceValue(element, item));
  const shape = inner.def?.type === 'object' ? inner.def.shape : undefined;
  if (isPlainObject(value) && shape) return coerceFields(shape, value);
  return value;
}

function coerceFields(shape: Record<string, SchemaLike>, params: Record<string, unknown>): Record<string, unknown> {
  let changed: Record<string, unknown> | null = null;
  for (const [key, value] of Object.entries(params)) {
    const field = shape[key];
    if (!isSchema(field)) continue;
    const coerced = coerceValue(field, value);
    if (coerced !== value) (changed ??= { ...params })[key] = coerced;
  }
  return changed ?? params;
}

/**
 * Parameters as JSON gives them (from `--params-json`, the server's run API, a deployment) read
 * the way `--param` text is, so every way of starting a run accepts the same values. Returns the
 * parameters themselves when nothing needed reading.
 */
export function coerceParameters(schema: unknown, params: unknown): unknown {
  if (!isSchema(schema) || !isPlainObject(params)) return params;
  const shape = unwrapped(schema).def?.shape;
  return shape ? coerceFields(shape, params) : params;
}
