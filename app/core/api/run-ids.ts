import { z } from 'zod';
import { RUN_KINDS } from '../runs.js';
import { RunIdSchema } from './common.js';
import { RUN_ID_PREFIXES_MAX } from './run-id-rules.js';

export * from './run-id-rules.js';

const RunKindSchema = z.enum(RUN_KINDS);

/** A run's full id, or a prefix of it that only one run of the kind has. */
export const ResolveRunIdQuerySchema = z.strictObject({
  kind: RunKindSchema,
  prefix: RunIdSchema,
});

export const ResolvedRunIdSchema = z.object({
  kind: RunKindSchema,
  id: z.string(),
});

export const RunIdPrefixesRequestSchema = z.strictObject({
  kind: RunKindSchema,
  ids: z.array(RunIdSchema).max(RUN_ID_PREFIXES_MAX),
});

/** Each id with its shortest prefix (8 characters or more) that no other run of the kind shares, in the order asked. */
export const RunIdPrefixesSchema = z.array(z.object({ id: z.string(), prefix: z.string() }));
