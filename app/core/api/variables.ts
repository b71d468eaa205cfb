import { z } from 'zod';
import { listQuery } from './common.js';
import type { RouteSpec } from './route-spec.js';
import {
  VARIABLE_NAME_MAX,
  VARIABLE_NAME_PATTERN,
  VARIABLE_NAME_RULE,
  VARIABLE_TAG_MAX,
  VARIABLE_TAGS_MAX,
  variableValueProblem,
} from './variable-rules.js';

export * from './variable-rules.js';

export const VariableNameSchema = z.string().min(1).max(VARIABLE_NAME_MAX).regex(VARIABLE_NAME_PATTERN, VARIABLE_NAME_RULE);
const VariableTagSchema = z.string().min(1).max(VARIABLE_TAG_MAX);

/** Any JSON value of at most VARIABLE_VALUE_MAX characters serialised; the message names the limit. */
export const VariableValueSchema = z.unknown().superRefine((value, ctx) => {
  const problem = variableValueProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/** A shared value kept on the server, read and written by name. */
export const VariableSchema = z.object({
  name: z.string(),
  value: z.unknown(),
  tags: z.array(z.string()),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type StoredVariable = z.infer<typeof VariableSchema>;

export const VariableNameParamsSchema = z.strictObject({ name: VariableNameSchema });

export const SetVariableSchema = z.strictObject({
  value: VariableValueSchema,
  /** Replace the tags; left out, a variable that exists keeps its own (a new one has none). */
  tags: z.array(VariableTagSchema).max(VARIABLE_TAGS_MAX).optional(),
  /** False refuses (409) to replace a variable that exists; true by default, as a PUT replaces. */
  overwrite: z.boolean().default(true),
});
export type SetVariable = z.input<typeof SetVariableSchema>;

export const VariableListQuerySchema = z.strictObject({
  /** Only variables with every one of these tags. */
  tag: listQuery(VariableTagSchema, 20).optional(),
  /** Only variables whose name contains this text, in any case. */
  nameContains: z.string().min(1).max(VARIABLE_NAME_MAX).optional(),
});
export type VariableListQuery = z.input<typeof VariableListQuerySchema>;

export const VARIABLE_ROUTES = {
  listVariables: {
    method: 'GET',
    path: '/variables',
    summary: 'Variables sorted by name, filtered by tags (all of them) and by text the name contains',
    resource: 'variables',
    query: VariableListQuerySchema,
    status: 200,
    response: z.array(VariableSchema),
  },
  getVariable: {
    method: 'GET',
    path: '/variables/:name',
    summary: 'One variable by name; 404 naming it when there is none',
    resource: 'variables',
    params: VariableNameParamsSchema,
    status: 200,
    response: VariableSchema,
  },
  setVariable: {
    method: 'PUT',
    path: '/variables/:name',
    summary:
      'Create a variable or replace its value (and its tags, when given). The value is any JSON of at most 5,000 characters serialised; ' +
      'the name 1 to 255 letters, digits, "-", "_" or ".". With overwrite false, 409 when it exists',
    resource: 'variables',
    params: VariableNameParamsSchema,
    body: SetVariableSchema,
    status: 200,
    response: VariableSchema,
  },
  deleteVariable: {
    method: 'DELETE',
    path: '/variables/:name',
    summary: 'Remove a variable; 404 naming it when there is none',
    resource: 'variables',
    params: VariableNameParamsSchema,
    status: 204,
    response: z.undefined(),
  },
} as const satisfies Record<string, RouteSpec>;
