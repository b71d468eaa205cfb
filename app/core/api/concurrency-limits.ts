import { z } from 'zod';

export const TagParamsSchema = z.strictObject({ tag: z.string().min(1).max(256) });

export const SetConcurrencyLimitSchema = z.object({
  /** How many task runs with the tag may run at once; 0 holds them all. */
  limit: z.number().int().min(0).max(1_000_000),
});
export type SetConcurrencyLimit = z.infer<typeof SetConcurrencyLimitSchema>;
