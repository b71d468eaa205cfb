import { z } from 'zod';

/** Something that keeps the server from doing all of its work. */
const HealthProblemSchema = z.object({
  /** The part of the server that is affected: its database, which cannot be written. */
  component: z.literal('database'),
  /** What is wrong and what to do, in a sentence. */
  message: z.string(),
  /** When it began, in ms since the epoch. */
  since: z.number(),
});

export const HealthSchema = z.object({
  /** `ok`, or `degraded` when the server answers but cannot do all of its work (see `problems`). */
  status: z.enum(['ok', 'degraded']),
  version: z.string(),
  /** Empty when the status is `ok`. */
  problems: z.array(HealthProblemSchema).default([]),
});
export type Health = z.infer<typeof HealthSchema>;
