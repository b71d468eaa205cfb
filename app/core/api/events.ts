import { z } from 'zod';
import { RUN_KINDS, StoredLogSchema } from '../runs.js';
import { StateSchema } from '../states.js';

/** The path of the live event stream below the API base (`/api`). */
export const EVENTS_PATH = '/events';

/**
 * What a client sends once the socket is open. Without a cursor the stream starts at the current
 * end of the store; with the cursor of the last message it received, it resumes right after it.
 */
/** What a subscriber may ask for: flow runs' states, task runs' states, log lines. */
const EVENT_KINDS = ['flow-state', 'task-state', 'log'] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

export const SubscribeMessageSchema = z.strictObject({
  type: z.literal('subscribe'),
  /** Only this flow run's states (its own and its task runs') and log lines. */
  flowRunId: z.string().min(1).optional(),
  /** Only these kinds of event (a list of runs wants flow runs' states, not every log line); all when left out. */
  events: z.array(z.enum(EVENT_KINDS)).min(1).optional(),
  cursor: z.string().min(1).optional(),
});
export type SubscribeMessage = z.infer<typeof SubscribeMessageSchema>;

/** A state as it was stored, for a flow run or one of its task runs. */
const StateEventSchema = z.object({
  type: z.literal('state'),
  /** Opaque: pass the last one received back in `subscribe` to resume after it. */
  cursor: z.string(),
  kind: z.enum(RUN_KINDS),
  runId: z.string(),
  /** The flow run the state belongs to: the run itself, or the task run's flow run. */
  flowRunId: z.string(),
  state: StateSchema,
});
export type StateEvent = z.infer<typeof StateEventSchema>;

/** A log line as it was stored. */
const LogEventSchema = z.object({
  type: z.literal('log'),
  cursor: z.string(),
  log: StoredLogSchema,
});
export type LogEvent = z.infer<typeof LogEventSchema>;

/** A message the server could not act on; the socket stays open. */
const ErrorEventSchema = z.object({
  type: z.literal('error'),
  message: z.string(),
});
export type ErrorEvent = z.infer<typeof ErrorEventSchema>;

export const ServerEventSchema = z.discriminatedUnion('type', [StateEventSchema, LogEventSchema, ErrorEventSchema]);
export type ServerEvent = z.infer<typeof ServerEventSchema>;

/** The kind of a stored event, as a subscriber names it. */
export function eventKindOf(event: StateEvent | LogEvent): EventKind {
  return event.type === 'log' ? 'log' : event.kind === 'flow' ? 'flow-state' : 'task-state';
}
