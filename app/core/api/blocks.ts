import { z } from 'zod';
import { RunIdSchema } from './common.js';
import { ResourceNameSchema } from './deployments.js';
import type { RouteSpec } from './route-spec.js';

const BlockTypeSlugSchema = z.string().min(1).max(64);

export const BlockTypeSchema = z.object({
  slug: z.string(),
  title: z.string(),
  description: z.string(),
  /** The fields a document of this type holds, as JSON Schema: what forms and prompts are made from. */
  schema: z.record(z.string(), z.unknown()),
  /** Fields whose values are encrypted at rest and never shown. */
  secretFields: z.array(z.string()),
});
export type BlockTypeInfo = z.infer<typeof BlockTypeSchema>;

/** A block as every read shows it: each secret field that holds a value reads `********`. */
export const BlockReadSchema = z.object({
  id: z.string(),
  type: z.string(),
  name: z.string(),
  data: z.record(z.string(), z.unknown()),
  secretFields: z.array(z.string()),
  /** The secret fields that hold a value. */
  secretFieldsSet: z.array(z.string()),
  createdAt: z.number(),
  updatedAt: z.number(),
  /** When a flow last loaded the block with its secrets (ms since the epoch); null if never. */
  lastLoadedAt: z.number().nullable(),
  /** The flow run that loaded it then; null if never, or when code outside a run loaded it locally. */
  lastLoadedBy: z.string().nullable(),
});
export type BlockRead = z.infer<typeof BlockReadSchema>;

/** A document is checked against its type's schema by the server, which names the field that does not fit. */
const BlockDataSchema = z.record(z.string(), z.unknown());

export const CreateBlockSchema = z.strictObject({
  type: BlockTypeSlugSchema,
  name: ResourceNameSchema,
  data: BlockDataSchema,
});

/** A block's whole document; a secret field left out or sent as `********` keeps its stored value. */
export const SaveBlockSchema = z.strictObject({ data: BlockDataSchema });

export const BlockParamsSchema = z.strictObject({ type: BlockTypeSlugSchema, name: ResourceNameSchema });
export const BlockListQuerySchema = z.strictObject({ type: BlockTypeSlugSchema.optional() });

/** A flow process asks for a block's values: only for a run of it that is Running. */
export const LoadBlockSchema = z.strictObject({ flowRunId: RunIdSchema });

/** A block with its secret fields in the clear, for the flow run that loads it. */
export const LoadedBlockSchema = z.object({
  type: z.string(),
  name: z.string(),
  data: z.record(z.string(), z.unknown()),
  secretFields: z.array(z.string()),
});
export type LoadedBlock = z.infer<typeof LoadedBlockSchema>;

export const BLOCK_ROUTES = {
  listBlockTypes: {
    method: 'GET',
    path: '/block-types',
    summary: 'Every kind of block, with the JSON Schema of its fields and which of them are secret',
    resource: 'blocks',
    status: 200,
    response: z.array(BlockTypeSchema),
  },
  listBlocks: {
    method: 'GET',
    path: '/blocks',
    summary: 'Every block, or those of one type; secret fields read `********`',
    resource: 'blocks',
    query: BlockListQuerySchema,
    status: 200,
    response: z.array(BlockReadSchema),
  },
  createBlock: {
    method: 'POST',
    path: '/blocks',
    summary: "Create a block; its data is checked against its type's schema (422 naming the field). 409 when one of that type and name exists",
    resource: 'blocks',
    body: CreateBlockSchema,
    status: 200,
    response: BlockReadSchema,
  },
  getBlock: {
    method: 'GET',
    path: '/blocks/:type/:name',
    summary: 'One block; secret fields read `********`',
    resource: 'blocks',
    params: BlockParamsSchema,
    status: 200,
    response: BlockReadSchema,
  },
  saveBlock: {
    method: 'PUT',
    path: '/blocks/:type/:name',
    summary: 'Create or replace a block; a secret field left out or sent as `********` keeps its stored value',
    resource: 'blocks',
    params: BlockParamsSchema,
    body: SaveBlockSchema,
    status: 200,
    response: BlockReadSchema,
  },
  deleteBlock: {
    method: 'DELETE',
    path: '/blocks/:type/:name',
    summary: 'Delete a block',
    resource: 'blocks',
    params: BlockParamsSchema,
    status: 204,
    response: z.undefined(),
  },
  loadBlock: {
    method: 'POST',
    path: '/blocks/:type/:name/load',
    summary:
      'A flow process reads a block with its secrets in the clear; refused (409) unless the flow run it names is Running. The load is recorded: the block reads show when it was last loaded and by which run',
    resource: 'blocks',
    params: BlockParamsSchema,
    body: LoadBlockSchema,
    status: 200,
    response: LoadedBlockSchema,
  },
} as const satisfies Record<string, RouteSpec>;
