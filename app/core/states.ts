import { z } from 'zod';
import { STATE_TYPES } from './state-model.js';

export * from './state-model.js';

export const StateTypeSchema = z.enum(STATE_TYPES);

export const ErrorInfoSchema = z.object({
  name: z.string(),
  message: z.string(),
  stack: z.string().optional(),
});
export type ErrorInfo = z.infer<typeof ErrorInfoSchema>;

export const StateSchema = z.object({
  type: StateTypeSchema,
  name: z.string(),
  /** Milliseconds since the epoch. */
  timestamp: z.number(),
  message: z.string().optional(),
  error: ErrorInfoSchema.optional(),
  /** For SCHEDULED states: when the run may start (ms since the epoch). */
  scheduledTime: z.number().optional(),
  /** The run attempt this state belongs to (1 for the first). */
  attempt: z.number().int(),
  transitionId: z.string().optional(),
  cacheKey: z.string().optional(),
  /** Where a persisted result lives, for Completed and Cached states. */
  resultRef: z.string().optional(),
});
export type State = z.infer<typeof StateSchema>;

/** What a client proposes; the store fills in the timestamp and attempt. */
/** What a flow run that pauses waits for, sent with its Paused state and kept with it. */
export const PauseRequestSchema = z.object({
  /** Why the run waits, for people. */
  reason: z.string().optional(),
  /** The JSON Schema the input given on resume must fit; left out when any input (or none) will do. */
  inputSchema: z.record(z.string(), z.unknown()).optional(),
  /** How long from the Paused state the run waits before it fails. */
  timeoutSeconds: z.number().min(0).optional(),
});
export type PauseRequest = z.infer<typeof PauseRequestSchema>;

/** What a task run that stops at a breakpoint shows: the arguments it would run with. */
export const BreakpointRequestSchema = z.object({
  /** The arguments as JSON, when they can be written as JSON; a person may edit them. */
  inputs: z.string().nullable(),
});
export type BreakpointRequest = z.infer<typeof BreakpointRequestSchema>;

export const ProposedStateSchema = z.object({
  type: StateTypeSchema,
  name: z.string(),
  message: z.string().optional(),
  error: ErrorInfoSchema.optional(),
  scheduledTime: z.number().optional(),
  cacheKey: z.string().optional(),
  /** With cacheKey on COMPLETED: how long the cache entry stays valid, counted by the store's clock. */
  cacheExpirationSeconds: z.number().min(0).optional(),
  /** With cacheKey on entering RUNNING: ignore any cached result. */
  refreshCache: z.boolean().optional(),
  resultRef: z.string().optional(),
  /**
   * On a new task run created Completed: the task run of an earlier run whose recorded result
   * (resultRef) it reuses instead of running.
   */
  reusedFrom: z.string().optional(),
  /** A JSON rendering of the result or a cut of it, for people. */
  resultPreview: z.string().optional(),
  /** False when the client's retry condition said this failure must not be retried. */
  retryable: z.boolean().optional(),
  /**
   * When the client saw the change happen (ms since the epoch), for a client whose reports reach
   * the store later than that. The store dates the state by it, within what its own clock and
   * the run's previous state allow.
   */
  observedAt: z.number().optional(),
  /** With a flow run's PAUSED state: what the pause waits for. */
  pause: PauseRequestSchema.optional(),
  /** With a task run's PAUSED state named Breakpoint: what it stopped with. */
  breakpoint: BreakpointRequestSchema.optional(),
});
export type ProposedState = z.infer<typeof ProposedStateSchema>;
