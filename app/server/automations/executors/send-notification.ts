import type { LoadedBlock } from '../../../core/api/blocks.js';
import { renderTemplate, type ActionOf, type TemplateValues } from '../../../core/automations/index.js';
import { BlockError } from '../../blocks/block-error.js';
import { PermanentActionError, type ActionContext, type ActionExecutor } from './action-executor.js';
import { maskBlockSecrets } from './secret-mask.js';
import { sendEmail, sendSlack, sendWebhook, type Message, type SmtpSettings } from './senders.js';

async function templateValues(context: ActionContext): Promise<TemplateValues> {
  const { firing } = context;
  const run = await context.store.getFlowRun(firing.flowRunId);
  const deploymentName = run?.deploymentName ?? '';
  return {
    'flowRun.id': firing.flowRunId,
    'flowRun.name': run?.name ?? '',
    'flowRun.state.type': firing.stateType,
    'flowRun.state.name': firing.stateName,
    'flowRun.state.message': firing.stateMessage ?? '',
    'flowRun.tags': (run?.tags ?? []).join(', '),
    'flowRun.url': context.runPageUrl(firing.flowRunId),
    'flow.name': run?.flowName ?? '',
    'deployment.name': deploymentName.includes('/') ? deploymentName.slice(deploymentName.indexOf('/') + 1) : deploymentName,
    'automation.name': context.automationName,
  };
}

async function loadBlock(context: ActionContext, address: string): Promise<LoadedBlock> {
  const slash = address.indexOf('/');
  try {
    // Loaded by the server itself to send, not by a flow run.
    return await context.blocks.load(address.slice(0, slash), address.slice(slash + 1), null);
  } catch (error) {
    if (error instanceof BlockError && error.code === 'NOT_FOUND') throw new PermanentActionError(`no block ${address}`);
    throw error;
  }
}

function send(block: LoadedBlock, message: Message): Promise<void> {
  switch (block.type) {
    case 'webhook':
      return sendWebhook(block.data as { url: string; headers?: Record<string, string> }, message);
    case 'slack-webhook':
      return sendSlack(block.data as { url: string }, message);
    case 'smtp-email':
      return sendEmail(block.data as unknown as SmtpSettings, message);
    default:
      throw new PermanentActionError(`a block of type '${block.type}' cannot send notifications`);
  }
}

/** Fills in the templates over the firing run and sends the message through the block; errors never carry its secrets. */
export const sendNotificationAction: ActionExecutor<ActionOf<'send-notification'>> = async (action, context) => {
  const block = await loadBlock(context, action.block);
  const values = await templateValues(context);
  const message: Message = {
    subject: renderTemplate(action.subject, values),
    body: renderTemplate(action.body, values),
    details: {
      automation: context.automationName,
      flowRun: {
        id: values['flowRun.id'],
        name: values['flowRun.name'],
        state: { type: values['flowRun.state.type'], name: values['flowRun.state.name'] },
      },
      url: values['flowRun.url'],
    },
  };
  try {
    await send(block, message);
  } catch (error) {
    const text = error instanceof Error ? `${error.message}${error.cause instanceof Error ? ` (${error.cause.message})` : ''}` : String(error);
    const masked = maskBlockSecrets(`${action.block}: ${text}`, block);
    throw error instanceof PermanentActionError ? new PermanentActionError(masked) : new Error(masked);
  }
};
