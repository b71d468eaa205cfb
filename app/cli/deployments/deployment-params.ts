import { checkJsonSchema, type JsonSchemaIssue } from '../../core/index.js';
import { UsageError } from '../errors.js';
import { parseParamsJson } from '../flow-files/parse-params.js';

type JsonSchema = Record<string, unknown>;

function propertySchema(schema: JsonSchema | null, key: string): unknown {
  const properties = schema?.properties as Record<string, unknown> | undefined;
  return properties && Object.hasOwn(properties, key) ? properties[key] : undefined;
}

/**
 * `--param key=value` pairs read against the flow's parameter JSON Schema: the JSON reading of a
 * value when it fits (numbers, booleans, lists), else the text itself when that fits, else the
 * JSON reading, for the schema check to name what is wrong.
 */
export function paramsFromPairs(pairs: readonly string[], schema: JsonSchema | null): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`--param takes key=value, got '${pair}'`);
    const key = pair.slice(0, eq).trim();
    const raw = pair.slice(eq + 1);
    let asJson: { value: unknown } | null = null;
    try {
      asJson = { value: JSON.parse(raw) };
    } catch {
      // not JSON: the text itself is the value
    }
    const field = propertySchema(schema, key);
    const fits = (value: unknown) => field !== undefined && checkJsonSchema(field, value).length === 0;
    if (asJson && (field === undefined || fits(asJson.value))) params[key] = asJson.value;
    else if (fits(raw) || !asJson) params[key] = raw;
    else params[key] = asJson.value;
  }
  return params;
}

/** The parameters given on the command line: `--params-json`, with each `--param` over its keys. */
export function commandLineParams(pairs: readonly string[], json: string | undefined, schema: JsonSchema | null): Record<string, unknown> {
  return { ...parseParamsJson(json), ...paramsFromPairs(pairs, schema) };
}

/**
 * What of `parameters` does not fit the flow's schema; none when it fits. Defaults need not be
 * `complete`: a run may give the required ones.
 */
export function parameterIssues(schema: JsonSchema | null, parameters: Record<string, unknown>, complete: boolean): JsonSchemaIssue[] {
  if (!schema) return [];
  return checkJsonSchema(complete ? schema : { ...schema, required: [] }, parameters);
}
