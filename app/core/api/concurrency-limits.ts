import { z } from 'zod';

export const TAG_MAX_LENGTH = 256;
export const CONCURRENCY_LIMIT_MAX = 1_000_000;

export const TagParamsSchema = z.strictObject({ tag: z.string().min(1).max(TAG_MAX_LENGTH) });

export const SetConcurrencyLimitSchema = z.object({
  /** How many task runs with the tag may run at once; 0 holds them all. */
  limit: z.number().int().min(0).max(CONCURRENCY_LIMIT_MAX),
});
