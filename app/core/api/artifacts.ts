import { z } from 'zod';
import { RunIdSchema, wholeNumberQuery } from './common.js';
import type { RouteSpec } from './route-spec.js';
import {
  ARTIFACT_DATA_MAX_CHARS,
  ARTIFACT_DESCRIPTION_MAX,
  ARTIFACT_KEY_MAX,
  ARTIFACT_KEY_RULE,
  ARTIFACT_TYPES,
  artifactKeyProblem,
  PROGRESS_MAX,
  PROGRESS_MIN,
  TABLE_SHAPE_RULE,
  tableShape,
} from '../artifact-rules.js';

export * from '../artifact-rules.js';

export const ArtifactKeySchema = z
  .string()
  .min(1)
  .max(ARTIFACT_KEY_MAX)
  .refine((key) => artifactKeyProblem(key) === null, { message: `must be ${ARTIFACT_KEY_RULE}` });

export const ArtifactTypeSchema = z.enum(ARTIFACT_TYPES);

export const ProgressSchema = z.number().min(PROGRESS_MIN).max(PROGRESS_MAX);

/** A table: a list of row objects, a dict of columns, or a list of lists. */
export const TableDataSchema = z.unknown().refine((value) => tableShape(value) !== null, { message: TABLE_SHAPE_RULE });

export const LinkDataSchema = z.strictObject({
  link: z.string().min(1).max(8_192),
  /** What the link is shown as; the link itself when null. */
  linkText: z.string().max(1_000).nullable().default(null),
});
export type LinkData = z.infer<typeof LinkDataSchema>;

const ArtifactFields = {
  /** Artifacts created with the same key are versions of one thing; the newest is its latest. */
  key: ArtifactKeySchema.nullable().default(null),
  description: z.string().max(ARTIFACT_DESCRIPTION_MAX).nullable().default(null),
  flowRunId: RunIdSchema,
  /** The task run it was made in; null when the flow made it outside any task. */
  taskRunId: RunIdSchema.nullable().default(null),
};

/** A new artifact, its data as its type has it. */
export const CreateArtifactSchema = z
  .discriminatedUnion('type', [
    z.strictObject({ type: z.literal('markdown'), data: z.string(), ...ArtifactFields }),
    z.strictObject({ type: z.literal('table'), data: TableDataSchema, ...ArtifactFields }),
    z.strictObject({ type: z.literal('link'), data: LinkDataSchema, ...ArtifactFields }),
    z.strictObject({ type: z.literal('progress'), data: ProgressSchema, ...ArtifactFields }),
  ])
  .refine((artifact) => JSON.stringify(artifact.data ?? null).length <= ARTIFACT_DATA_MAX_CHARS, {
    message: `must be at most ${ARTIFACT_DATA_MAX_CHARS} characters as JSON`,
    path: ['data'],
  });
export type CreateArtifact = z.input<typeof CreateArtifactSchema>;
export type NewArtifact = z.output<typeof CreateArtifactSchema>;

export const UpdateProgressSchema = z.strictObject({ progress: ProgressSchema });

export const ArtifactSchema = z.object({
  id: z.string(),
  key: z.string().nullable(),
  type: ArtifactTypeSchema,
  /** Markdown text, a table, `{ link, linkText }`, or a progress number, by type. */
  data: z.unknown(),
  description: z.string().nullable(),
  flowRunId: z.string(),
  taskRunId: z.string().nullable(),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type Artifact = z.infer<typeof ArtifactSchema>;

const ARTIFACT_PAGE_DEFAULT = 50;
export const ARTIFACT_PAGE_MAX = 500;

const PageFields = {
  limit: wholeNumberQuery(1, ARTIFACT_PAGE_MAX).default(ARTIFACT_PAGE_DEFAULT),
  /** From the previous page's `nextCursor`; the same filters must be given again. */
  cursor: z
    .string()
    .regex(/^\d{1,16}$/, 'must be a nextCursor this listing gave')
    .optional(),
};

/** Filters of the artifact listing; every one given must hold. Newest first. */
export const ArtifactListQuerySchema = z.strictObject({
  flowRunId: RunIdSchema.optional(),
  taskRunId: RunIdSchema.optional(),
  key: ArtifactKeySchema.optional(),
  type: ArtifactTypeSchema.optional(),
  ...PageFields,
});
export type ArtifactListQuery = z.input<typeof ArtifactListQuerySchema>;
export type ArtifactFilter = z.output<typeof ArtifactListQuerySchema>;

/** The latest version of each key, the most recently made first. */
export const LatestArtifactsQuerySchema = z.strictObject({
  flowRunId: RunIdSchema.optional(),
  type: ArtifactTypeSchema.optional(),
  ...PageFields,
});
export type LatestArtifactsFilter = z.output<typeof LatestArtifactsQuerySchema>;

export const ArtifactPageSchema = z.object({
  items: z.array(ArtifactSchema),
  /** Pass as `cursor` for the next page; null on the last one. */
  nextCursor: z.string().nullable(),
});
export type ArtifactPage = z.infer<typeof ArtifactPageSchema>;

/** Artifact ids are made by the store (UUIDs); the bounds keep junk out. */
export const ArtifactIdParamsSchema = z.strictObject({ id: z.string().min(1).max(128) });
export const ArtifactKeyParamsSchema = z.strictObject({ key: ArtifactKeySchema });

export const ARTIFACT_ROUTES = {
  createArtifact: {
    method: 'POST',
    path: '/artifacts',
    summary:
      'Record an artifact of a flow run (and task run): markdown, a table, a link or a progress value. ' +
      'With a key already used it is a new version of that key. 404 when the flow run is unknown',
    resource: 'artifacts',
    body: CreateArtifactSchema,
    status: 200,
    response: ArtifactSchema,
  },
  listArtifacts: {
    method: 'GET',
    path: '/artifacts',
    summary: 'Artifacts, every version, newest first, filtered by flow run, task run, key or type and paged with a cursor',
    resource: 'artifacts',
    query: ArtifactListQuerySchema,
    status: 200,
    response: ArtifactPageSchema,
  },
  listLatestArtifacts: {
    method: 'GET',
    path: '/artifacts/latest',
    summary: 'The latest version of each artifact key, the most recently made first, paged with a cursor',
    resource: 'artifacts',
    query: LatestArtifactsQuerySchema,
    status: 200,
    response: ArtifactPageSchema,
  },
  listArtifactKeyHistory: {
    method: 'GET',
    path: '/artifacts/keys/:key',
    summary: 'Every version of one artifact key, newest first; 404 when no artifact has the key',
    resource: 'artifacts',
    params: ArtifactKeyParamsSchema,
    status: 200,
    response: z.array(ArtifactSchema),
  },
  deleteArtifactKey: {
    method: 'DELETE',
    path: '/artifacts/keys/:key',
    summary: 'Delete every version of one artifact key; 404 when no artifact has the key',
    resource: 'artifacts',
    params: ArtifactKeyParamsSchema,
    status: 200,
    response: z.object({ deleted: z.number().int() }),
  },
  getArtifact: {
    method: 'GET',
    path: '/artifacts/:id',
    summary: 'One artifact by its id',
    resource: 'artifacts',
    params: ArtifactIdParamsSchema,
    status: 200,
    response: ArtifactSchema,
  },
  updateArtifactProgress: {
    method: 'PUT',
    path: '/artifacts/:id/progress',
    summary: 'Set the progress (0 to 100) of a progress artifact in place; 409 when the artifact is of another type',
    resource: 'artifacts',
    params: ArtifactIdParamsSchema,
    body: UpdateProgressSchema,
    status: 200,
    response: ArtifactSchema,
  },
  deleteArtifact: {
    method: 'DELETE',
    path: '/artifacts/:id',
    summary: 'Delete one artifact (one version of its key)',
    resource: 'artifacts',
    params: ArtifactIdParamsSchema,
    status: 204,
    response: z.undefined(),
  },
} as const satisfies Record<string, RouteSpec>;
