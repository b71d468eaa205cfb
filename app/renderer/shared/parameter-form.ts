/** One input of the Run dialog, read from a property of the flow's parameters JSON Schema. */
export interface ParameterField {
  name: string;
  label: string;
  control: 'text' | 'number' | 'integer' | 'boolean' | 'select' | 'json';
  required: boolean;
  description?: string;
  default?: unknown;
  choices?: string[];
  minimum?: number;
  maximum?: number;
}

/** A field of a form read from a JSON Schema, with the controls forms of other kinds add. */
export interface FormField extends Omit<ParameterField, 'control'> {
  /** `list`: strings, written comma-separated; `secret`: a password input that never shows a stored value. */
  control: ParameterField['control'] | 'list' | 'secret';
}

/** What the form holds: text for most controls, a flag for checkboxes. */
export type ParameterValues = Record<string, string | boolean>;

type JsonSchema = Record<string, unknown>;

function asSchema(value: unknown): JsonSchema | null {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as JsonSchema) : null;
}

/** `anyOf: [X, {type: 'null'}]` as zod writes optional-or-null: X. */
function unwrapNullable(schema: JsonSchema): JsonSchema {
  const options = (schema.anyOf ?? schema.oneOf) as unknown[] | undefined;
  if (Array.isArray(options)) {
    const rest = options.map(asSchema).filter((s): s is JsonSchema => s !== null && s.type !== 'null');
    if (rest.length === 1) return { ...rest[0], ...('default' in schema ? { default: schema.default } : {}) };
  }
  return schema;
}

function controlOf(schema: JsonSchema): ParameterField['control'] {
  if (Array.isArray(schema.enum) && schema.enum.every((v) => typeof v === 'string')) return 'select';
  if (schema.const !== undefined) return 'json';
  const type: unknown = Array.isArray(schema.type) ? schema.type.filter((t) => t !== 'null')[0] : schema.type;
  if (type === 'string') return 'text';
  if (type === 'integer') return 'integer';
  if (type === 'number') return 'number';
  if (type === 'boolean') return 'boolean';
  return 'json';
}

function labelOf(name: string): string {
  const spaced = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ');
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

/** The fields of a flow's parameters schema, in the order it declares them; [] for none. */
export function parameterFields(schema: unknown): ParameterField[] {
  const root = asSchema(schema);
  const properties = asSchema(root?.properties);
  if (!root || !properties) return [];
  const required = new Set(Array.isArray(root.required) ? (root.required as string[]) : []);
  return Object.entries(properties).map(([name, raw]) => {
    const property = unwrapNullable(asSchema(raw) ?? {});
    const field: ParameterField = {
      name,
      label: typeof property.title === 'string' ? property.title : labelOf(name),
      control: controlOf(property),
      required: required.has(name) && !('default' in property),
    };
    if (typeof property.description === 'string') field.description = property.description;
    if ('default' in property) field.default = property.default;
    if (field.control === 'select') field.choices = property.enum as string[];
    if (typeof property.minimum === 'number') field.minimum = property.minimum;
    if (typeof property.maximum === 'number') field.maximum = property.maximum;
    return field;
  });
}

/** A value written as the field's control shows it; undefined or null is an empty field. */
function shownAs(field: ParameterField, value: unknown): string | boolean {
  if (field.control === 'boolean') return value === true;
  if (value === undefined || value === null) return '';
  if (field.control === 'json' || typeof value === 'object') return JSON.stringify(value);
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- objects are written as JSON above
  return String(value);
}

/** The form's starting values: each field's default, written as the control shows it. */
export function initialParameterValues(fields: readonly ParameterField[]): ParameterValues {
  const values: ParameterValues = {};
  for (const field of fields) values[field.name] = shownAs(field, field.default);
  return values;
}

/** The form filled with the parameters an earlier run had; fields it did not pass keep their defaults. */
function parameterValuesOf(fields: readonly ParameterField[], parameters: Readonly<Record<string, unknown>>): ParameterValues {
  const values = initialParameterValues(fields);
  for (const field of fields) if (Object.hasOwn(parameters, field.name)) values[field.name] = shownAs(field, parameters[field.name]);
  return values;
}

/**
 * The parameters to run with, or an error per field. Fields left empty are left out, so the
 * flow's own defaults apply; the server checks the rest against the flow's schema again.
 */
export function collectParameters(
  fields: readonly ParameterField[],
  values: ParameterValues,
): { parameters: Record<string, unknown>; errors: Record<string, string> } {
  const parameters: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const field of fields) {
    const raw = values[field.name];
    if (field.control === 'boolean') {
      parameters[field.name] = raw === true;
      continue;
    }
    const text = typeof raw === 'string' ? raw : '';
    if (text.trim() === '') {
      if (field.required) errors[field.name] = `${field.label} is required`;
      continue;
    }
    if (field.control === 'number' || field.control === 'integer') {
      const value = Number(text);
      if (!Number.isFinite(value)) errors[field.name] = `${field.label} must be a number`;
      else if (field.control === 'integer' && !Number.isInteger(value)) errors[field.name] = `${field.label} must be a whole number`;
      else if (field.minimum !== undefined && value < field.minimum) errors[field.name] = `${field.label} must be at least ${field.minimum}`;
      else if (field.maximum !== undefined && value > field.maximum) errors[field.name] = `${field.label} must be at most ${field.maximum}`;
      else parameters[field.name] = value;
    } else if (field.control === 'json') {
      try {
        parameters[field.name] = JSON.parse(text);
      } catch {
        errors[field.name] = `${field.label} must be JSON, e.g. [1, 2] or {"a": 1}`;
      }
    } else if (field.control === 'select' && field.choices && !field.choices.includes(text)) {
      errors[field.name] = `${field.label} must be one of ${field.choices.join(', ')}`;
    } else {
      parameters[field.name] = text;
    }
  }
  return { parameters, errors };
}

/**
 * The form to run a flow again with: a field per parameter of its schema, filled with what the
 * earlier run passed; the earlier parameters as JSON when the flow declares no schema; or why the
 * flow cannot be found in its file.
 */
export type RunAgainForm =
  { kind: 'fields'; fields: ParameterField[]; values: ParameterValues } | { kind: 'json'; text: string } | { kind: 'missing'; message: string };

export function runAgainForm(
  flows: readonly { name: string; parameters: Record<string, unknown> | null }[],
  flowName: string,
  parameters: Readonly<Record<string, unknown>>,
): RunAgainForm {
  const flow = flows.find((f) => f.name === flowName);
  if (!flow) {
    const names = flows.map((f) => f.name);
    return {
      kind: 'missing',
      message: `the file no longer defines the flow '${flowName}'${names.length ? `; it defines ${names.join(', ')}` : ''}`,
    };
  }
  if (flow.parameters === null) return { kind: 'json', text: JSON.stringify(parameters, null, 2) };
  const fields = parameterFields(flow.parameters);
  return { kind: 'fields', fields, values: parameterValuesOf(fields, parameters) };
}
