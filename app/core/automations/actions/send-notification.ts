import { z } from 'zod';
import { TEMPLATE_VARIABLES, unknownTemplateVariables } from '../template.js';
import { actionType } from './action-type.js';

/** The block types a notification can be sent through. */
export const NOTIFYING_BLOCK_TYPES = ['webhook', 'slack-webhook', 'smtp-email'] as const;

const TemplateSchema = z
  .string()
  .max(10_000)
  .superRefine((template, check) => {
    const unknown = unknownTemplateVariables(template);
    if (unknown.length > 0) {
      check.addIssue({ code: 'custom', message: `unknown placeholder {{ ${unknown[0]} }}; known: ${TEMPLATE_VARIABLES.join(', ')}` });
    }
  });

export const DEFAULT_SUBJECT = 'Flow run {{ flowRun.name }} of {{ flow.name }} is {{ flowRun.state.name }}';
export const DEFAULT_BODY =
  'Flow run {{ flowRun.name }} ({{ flowRun.id }}) of flow {{ flow.name }} entered {{ flowRun.state.name }}: {{ flowRun.state.message }}\n{{ flowRun.url }}';

export const SEND_NOTIFICATION = actionType({
  kind: 'send-notification',
  description: 'Send a message through a webhook, slack-webhook or smtp-email block',
  schema: z.strictObject({
    kind: z.literal('send-notification'),
    block: z.string().regex(/^[a-z][a-z0-9-]*\/.+$/, 'must be TYPE/NAME, such as slack-webhook/ops'),
    subject: TemplateSchema.default(DEFAULT_SUBJECT),
    body: TemplateSchema.default(DEFAULT_BODY),
  }),
});
