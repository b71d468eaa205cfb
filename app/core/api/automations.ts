import { z } from 'zod';
import { AutomationSchema, AutomationSpecSchema, FiringSchema } from '../automations/automation.js';
import { ActionSchema } from '../automations/actions/index.js';
import { TriggerSchema } from '../automations/trigger.js';
import type { RouteSpec } from './route-spec.js';

/** An automation with its most recent firings, newest first, and how each firing's actions went. */
export const AutomationReadSchema = AutomationSchema.extend({ firings: z.array(FiringSchema) });
export type AutomationRead = z.infer<typeof AutomationReadSchema>;

/** The fields to change; those left out keep their values. `enabled: false` pauses it, `true` resumes it. */
export const UpdateAutomationSchema = z.strictObject({
  name: AutomationSpecSchema.shape.name.optional(),
  description: z.string().max(2000).optional(),
  enabled: z.boolean().optional(),
  trigger: TriggerSchema.optional(),
  actions: z.array(ActionSchema).min(1, 'needs at least one action').optional(),
});
export type UpdateAutomation = z.infer<typeof UpdateAutomationSchema>;

export const AutomationParamsSchema = z.strictObject({ automation: z.string().min(1).max(255).describe('The id or the name') });
export const AutomationReadQuerySchema = z.strictObject({ firings: z.coerce.number().int().min(0).max(500).default(20) });

export const AUTOMATION_ROUTES = {
  listAutomations: {
    method: 'GET',
    path: '/automations',
    summary: 'Every automation, by name',
    resource: 'automations',
    status: 200,
    response: z.array(AutomationSchema),
  },
  createAutomation: {
    method: 'POST',
    path: '/automations',
    summary:
      'Create an automation: when a flow run enters a state, take actions. 422 naming the field for an unknown state, block, or deployment; 409 when the name is taken',
    resource: 'automations',
    body: AutomationSpecSchema,
    status: 200,
    response: AutomationSchema,
  },
  getAutomation: {
    method: 'GET',
    path: '/automations/:automation',
    summary: 'One automation by id or name, with its recent firings and the status of each of their actions',
    resource: 'automations',
    params: AutomationParamsSchema,
    query: AutomationReadQuerySchema,
    status: 200,
    response: AutomationReadSchema,
  },
  updateAutomation: {
    method: 'PATCH',
    path: '/automations/:automation',
    summary: 'Change an automation: pause or resume it (enabled), or edit its trigger, actions, name or description',
    resource: 'automations',
    params: AutomationParamsSchema,
    body: UpdateAutomationSchema,
    status: 200,
    response: AutomationSchema,
  },
  deleteAutomation: {
    method: 'DELETE',
    path: '/automations/:automation',
    summary: 'Delete an automation; actions of its firings not yet done are dropped',
    resource: 'automations',
    params: AutomationParamsSchema,
    status: 204,
    response: z.undefined(),
  },
} as const satisfies Record<string, RouteSpec>;
