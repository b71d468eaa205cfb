import type { AutomationSpecInput } from '../../../core/automations/index.js';

/** What the new-automation form holds, as typed. */
export interface AutomationFormValues {
  name: string;
  /** Comma-separated state types or names. */
  states: string;
  /** Comma-separated flow names; empty for every flow. */
  flows: string;
  /** Comma-separated tags; empty for any. */
  tags: string;
  /** `TYPE/NAME` of the block to notify through. */
  block: string;
  body: string;
}

export const EMPTY_AUTOMATION_FORM: AutomationFormValues = {
  name: '',
  states: 'FAILED, CRASHED',
  flows: '',
  tags: '',
  block: '',
  body: 'Flow run {{ flowRun.name }} of {{ flow.name }} is {{ flowRun.state.name }}: {{ flowRun.state.message }} {{ flowRun.url }}',
};

function list(text: string): string[] {
  return text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

/** The automation the form describes: a trigger on flow-run states and one notification; the server checks the rest. */
export function automationFromForm(values: AutomationFormValues): AutomationSpecInput {
  const flows = list(values.flows);
  const tags = list(values.tags);
  return {
    name: values.name.trim(),
    trigger: { kind: 'flow-run-state', states: list(values.states), ...(flows.length > 0 ? { flows } : {}), ...(tags.length > 0 ? { tags } : {}) },
    actions: [{ kind: 'send-notification', block: values.block, body: values.body }],
  };
}
