import { z } from 'zod';
import { StateTypeSchema } from '../states.js';
import { ActionSchema } from './actions/index.js';
import { TriggerSchema } from './trigger.js';

export const AUTOMATION_NAME_MAX = 255;

/** What a person writes: in an automation file, or sent to POST /api/automations. */
export const AutomationSpecSchema = z.strictObject({
  name: z
    .string()
    .min(1)
    .max(AUTOMATION_NAME_MAX, `must be at most ${AUTOMATION_NAME_MAX} characters`)
    .regex(/^[^\s/][^/]*$/, 'must not start with a space or hold a /'),
  description: z.string().max(2000).default(''),
  enabled: z.boolean().default(true),
  trigger: TriggerSchema,
  actions: z.array(ActionSchema).min(1, 'needs at least one action'),
});
export type AutomationSpec = z.infer<typeof AutomationSpecSchema>;
export type AutomationSpecInput = z.input<typeof AutomationSpecSchema>;

export const AutomationSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  enabled: z.boolean(),
  trigger: TriggerSchema,
  actions: z.array(ActionSchema),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type Automation = z.infer<typeof AutomationSchema>;

export const DELIVERY_STATUSES = ['pending', 'running', 'done', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** One action of one firing, as the outbox keeps it until it is done or given up. */
export const DeliverySchema = z.object({
  id: z.string(),
  firingId: z.string(),
  actionIndex: z.number().int(),
  actionKind: z.string(),
  status: z.enum(DELIVERY_STATUSES),
  attempts: z.number().int(),
  nextAttemptAt: z.number().nullable(),
  lastError: z.string().nullable(),
  doneAt: z.number().nullable(),
});
export type Delivery = z.infer<typeof DeliverySchema>;

/** An automation matched a flow run entering a state. */
export const FiringSchema = z.object({
  id: z.string(),
  automationId: z.string(),
  flowRunId: z.string(),
  stateType: StateTypeSchema,
  stateName: z.string(),
  firedAt: z.number(),
  deliveries: z.array(DeliverySchema),
});
export type Firing = z.infer<typeof FiringSchema>;
