/**
 * Checks a JSON value against a JSON Schema, for the part of JSON Schema that zod's
 * `z.toJSONSchema` writes: type, properties, required, additionalProperties, enum, const,
 * minimum/maximum (and their exclusive forms), minLength/maxLength, items/prefixItems,
 * minItems/maxItems, anyOf/oneOf/allOf, nullable and local `$ref`s. Keywords it does not know
 * (format, pattern, ...) are let through: whoever reads the value checks it again in full.
 */

type JsonSchema = Record<string, unknown>;

/** One thing that did not fit: where (keys and indexes from the top) and why. */
export interface JsonSchemaIssue {
  path: (string | number)[];
  message: string;
}

/** How deeply schemas may nest one inside another at one place of the value. */
const MAX_NESTING = 128;

type JsonType = 'null' | 'boolean' | 'integer' | 'number' | 'string' | 'array' | 'object';

function asSchema(value: unknown): JsonSchema | null {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as JsonSchema) : null;
}

function typeOf(value: unknown): JsonType | 'other' {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  switch (typeof value) {
    case 'boolean':
      return 'boolean';
    case 'number':
      return Number.isInteger(value) ? 'integer' : 'number';
    case 'string':
      return 'string';
    case 'object':
      return 'object';
    default:
      return 'other';
  }
}

function fitsType(value: unknown, type: unknown): boolean {
  const actual = typeOf(value);
  return type === actual || (type === 'number' && actual === 'integer');
}

/** Equality of JSON values, as enum and const compare them. */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const other = b as unknown[];
    return a.length === other.length && a.every((item, i) => sameJson(item, other[i]));
  }
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  return keysA.length === keysB.length && keysA.every((key) => Object.hasOwn(b, key) && sameJson((a as JsonSchema)[key], (b as JsonSchema)[key]));
}

function show(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

function describeType(value: unknown): string {
  if (value === undefined) return 'nothing';
  const type = typeOf(value);
  return type === 'integer' ? 'number' : type;
}

function resolveRef(root: JsonSchema, ref: string): JsonSchema | null {
  if (ref === '#') return root;
  if (!ref.startsWith('#/')) return null;
  let node: unknown = root;
  for (const raw of ref.slice(2).split('/')) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    node = asSchema(node)?.[key];
  }
  return asSchema(node);
}

class Checker {
  readonly issues: JsonSchemaIssue[] = [];
  /**
   * The references being followed, each with the place of the value it is followed at: meeting
   * one again there is a loop that reads no further into the value, and is not followed.
   */
  private readonly following: Set<string>;

  constructor(
    private readonly root: JsonSchema,
    following?: Set<string>,
  ) {
    this.following = following ?? new Set();
  }

  /** Checks `value` and answers whether it fitted, adding what did not to `issues`. */
  check(schemaIn: unknown, value: unknown, path: (string | number)[], nesting = 0): boolean {
    if (schemaIn === true || schemaIn === undefined) return true;
    if (schemaIn === false) return this.fail(path, 'is not allowed here');
    const schema = asSchema(schemaIn);
    if (!schema || nesting > MAX_NESTING) return true;
    const before = this.issues.length;

    if (typeof schema.$ref === 'string') {
      const target = resolveRef(this.root, schema.$ref);
      const key = `${schema.$ref} at ${JSON.stringify(path)}`;
      if (target && !this.following.has(key)) {
        this.following.add(key);
        this.check(target, value, path, nesting + 1);
        this.following.delete(key);
      }
    }
    if (schema.nullable === true && value === null) return this.issues.length === before;

    if (schema.type !== undefined) {
      const types = Array.isArray(schema.type) ? schema.type : [schema.type];
      if (!types.some((type) => fitsType(value, type))) {
        const wanted = types.map((type) => (type === 'integer' ? 'a whole number' : String(type))).join(' or ');
        return this.fail(
          path,
          `expected ${wanted}, got ${typeOf(value) === 'number' && types.includes('integer') ? show(value) : describeType(value)}`,
        );
      }
    }
    if (Array.isArray(schema.enum) && !schema.enum.some((option) => sameJson(option, value))) {
      this.fail(path, `must be one of ${schema.enum.map(show).join(', ')}`);
    }
    if ('const' in schema && !sameJson(schema.const, value)) this.fail(path, `must be ${show(schema.const)}`);

    if (typeof value === 'number') this.checkNumber(schema, value, path);
    else if (typeof value === 'string') this.checkString(schema, value, path);
    else if (Array.isArray(value)) this.checkArray(schema, value, path, nesting);
    else if (value !== null && typeof value === 'object') this.checkObject(schema, value as JsonSchema, path, nesting);

    if (Array.isArray(schema.allOf)) for (const part of schema.allOf) this.check(part, value, path, nesting + 1);
    if (Array.isArray(schema.anyOf)) this.checkAlternatives(schema.anyOf, value, path, nesting, 'any');
    if (Array.isArray(schema.oneOf)) this.checkAlternatives(schema.oneOf, value, path, nesting, 'one');
    return this.issues.length === before;
  }

  private fail(path: (string | number)[], message: string): false {
    this.issues.push({ path, message });
    return false;
  }

  private checkNumber(schema: JsonSchema, value: number, path: (string | number)[]): void {
    if (typeof schema.minimum === 'number' && value < schema.minimum) this.fail(path, `must be at least ${schema.minimum}`);
    if (typeof schema.maximum === 'number' && value > schema.maximum) this.fail(path, `must be at most ${schema.maximum}`);
    if (typeof schema.exclusiveMinimum === 'number' && value <= schema.exclusiveMinimum)
      this.fail(path, `must be more than ${schema.exclusiveMinimum}`);
    if (typeof schema.exclusiveMaximum === 'number' && value >= schema.exclusiveMaximum)
      this.fail(path, `must be less than ${schema.exclusiveMaximum}`);
  }

  private checkString(schema: JsonSchema, value: string, path: (string | number)[]): void {
    // JSON Schema counts characters, not UTF-16 units.
    const length = [...value].length;
    if (typeof schema.minLength === 'number' && length < schema.minLength) {
      this.fail(path, schema.minLength === 1 ? 'must not be empty' : `must be at least ${schema.minLength} characters long`);
    }
    if (typeof schema.maxLength === 'number' && length > schema.maxLength) this.fail(path, `must be at most ${schema.maxLength} characters long`);
  }

  private checkArray(schema: JsonSchema, value: unknown[], path: (string | number)[], nesting: number): void {
    if (typeof schema.minItems === 'number' && value.length < schema.minItems) this.fail(path, `must have at least ${schema.minItems} items`);
    if (typeof schema.maxItems === 'number' && value.length > schema.maxItems) this.fail(path, `must have at most ${schema.maxItems} items`);
    const prefix = Array.isArray(schema.prefixItems) ? schema.prefixItems : [];
    value.forEach((item, index) => {
      if (index < prefix.length) this.check(prefix[index], item, [...path, index], nesting + 1);
      else if (schema.items === false && prefix.length > 0) return;
      else this.check(schema.items, item, [...path, index], nesting + 1);
    });
  }

  private checkObject(schema: JsonSchema, value: JsonSchema, path: (string | number)[], nesting: number): void {
    const properties = asSchema(schema.properties) ?? {};
    if (Array.isArray(schema.required)) {
      for (const name of schema.required) {
        if (typeof name === 'string' && !Object.hasOwn(value, name)) this.fail([...path, name], 'is required');
      }
    }
    for (const [name, item] of Object.entries(value)) {
      if (Object.hasOwn(properties, name)) this.check(properties[name], item, [...path, name], nesting + 1);
      else if (schema.additionalProperties === false) this.fail([...path, name], 'is not expected here');
      else this.check(schema.additionalProperties, item, [...path, name], nesting + 1);
    }
  }

  private checkAlternatives(options: unknown[], value: unknown, path: (string | number)[], nesting: number, mode: 'any' | 'one'): void {
    const trials = options.map((option) => {
      const trial = new Checker(this.root, this.following);
      return { option: asSchema(option), fits: trial.check(option, value, path, nesting + 1), issues: trial.issues };
    });
    const fitting = trials.filter((trial) => trial.fits).length;
    if (mode === 'any' ? fitting > 0 : fitting === 1) return;
    if (fitting > 1) {
      this.fail(path, 'fits more than one of the allowed forms');
      return;
    }
    // The forms the value was likely meant as: those of its type, and of those the ones a
    // constant field (a discriminator) names; when that leaves one, its issues say what is wrong.
    let meant = trials.filter((trial) => trial.option?.type === undefined || [trial.option.type].flat().some((type) => fitsType(value, type)));
    const named = meant.filter((trial) => namedBy(trial.option, value));
    if (named.length > 0) meant = named;
    if (meant.length === 1) {
      this.issues.push(...meant[0].issues);
      return;
    }
    const types = trials.map((trial) => trial.option?.type);
    if (meant.length === 0 && types.every((type) => typeof type === 'string')) {
      this.fail(path, `expected ${[...new Set(types)].join(' or ')}, got ${describeType(value)}`);
    } else {
      this.fail(path, `does not fit any of the allowed forms (${describeType(value)} given)`);
    }
  }
}

/** Whether an object form has a field of constant value that the value holds: it is the form meant. */
function namedBy(option: JsonSchema | null, value: unknown): boolean {
  const properties = asSchema(option?.properties);
  const object = asSchema(value);
  if (!properties || !object) return false;
  return Object.entries(properties).some(([name, property]) => {
    const constant = asSchema(property);
    return constant !== null && 'const' in constant && Object.hasOwn(object, name) && sameJson(constant.const, object[name]);
  });
}

/** What of `value` does not fit `schema`; [] when it fits. A schema that is not an object allows anything. */
export function checkJsonSchema(schema: unknown, value: unknown): JsonSchemaIssue[] {
  const root = asSchema(schema);
  if (!root) return [];
  const checker = new Checker(root);
  checker.check(root, value, []);
  return checker.issues;
}

/** An issue as a person reads it: `count: must be at least 1`, or the message alone at the top. */
export function describeJsonSchemaIssue(issue: JsonSchemaIssue): string {
  return issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message;
}
