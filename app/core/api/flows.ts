import { z } from 'zod';

/** A flow is known by its name; it exists once a run of it has been reported. */
export const FlowSchema = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: z.number(),
});
export type Flow = z.infer<typeof FlowSchema>;
