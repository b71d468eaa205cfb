import { ResourceNameSchema } from '../../../core/api/deployments.js';
import type { DeployFlowFileRequest, DescribedFlow } from '../../../core/api/workspace.js';
import { describeSchedule } from '../../../core/schedules/describe.js';
import { parseSchedule, ScheduleError, type Schedule } from '../../../core/schedules/model.js';
import type { ParameterField } from '../../shared/parameter-form.js';

export type ScheduleKind = 'none' | 'cron' | 'interval';

/** What the Deploy dialog holds, as typed. */
export interface DeployForm {
  name: string;
  scheduleKind: ScheduleKind;
  cron: string;
  timezone: string;
  /** Seconds, or an ISO 8601 duration such as PT1H. */
  interval: string;
  /** '' until a pool is chosen. */
  workPool: string;
  /** '' for the pool's default queue. */
  workQueue: string;
}

/** The fields of the form a problem can be shown beside. */
export type DeployField = 'name' | 'cron' | 'timezone' | 'interval' | 'workPool' | 'workQueue';

export function initialDeployForm(timezone: string, pools: readonly string[]): DeployForm {
  return {
    name: 'default',
    scheduleKind: 'none',
    cron: '0 3 * * *',
    timezone,
    interval: '3600',
    // With one pool there is nothing to choose.
    workPool: pools.length === 1 ? pools[0] : '',
    workQueue: '',
  };
}

/** The schedule the form describes, or the problem with it named by its field; null for no schedule. */
export function formSchedule(form: DeployForm): { schedule: Schedule | null } | { field: DeployField; message: string } {
  if (form.scheduleKind === 'none') return { schedule: null };
  let input: Record<string, unknown>;
  if (form.scheduleKind === 'cron') {
    if (form.cron.trim() === '') return { field: 'cron', message: 'Cron is required, e.g. 0 3 * * * for 03:00 every day' };
    input = { cron: form.cron.trim(), ...(form.timezone.trim() === '' ? {} : { timezone: form.timezone.trim() }) };
  } else {
    const text = form.interval.trim();
    if (text === '') return { field: 'interval', message: 'Interval is required: seconds, or a duration such as PT1H' };
    input = { interval: /^\d+(\.\d+)?$/.test(text) ? Number(text) : text };
  }
  try {
    return { schedule: parseSchedule(input) };
  } catch (error) {
    if (!(error instanceof ScheduleError)) throw error;
    const field: DeployField = error.message.startsWith('timezone') ? 'timezone' : form.scheduleKind === 'cron' ? 'cron' : 'interval';
    return { field, message: error.message.replace(/^(cron|interval|timezone): /, '') };
  }
}

/** The schedule in words for the form to show as it is typed ("at 03:00 every day (UTC)"), or null while it is not valid. */
export function schedulePreview(form: DeployForm): string | null {
  const read = formSchedule(form);
  return 'schedule' in read && read.schedule !== null ? describeSchedule(read.schedule) : null;
}

/** The parameters that differ from the flow's own defaults: a deployment keeps only what it sets. */
export function changedParameters(fields: readonly ParameterField[], parameters: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const changed: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(parameters)) {
    const field = fields.find((f) => f.name === name);
    if (field && 'default' in field && JSON.stringify(field.default) === JSON.stringify(value)) continue;
    changed[name] = value;
  }
  return changed;
}

/**
 * The export a worker loads the flow by: left out (undefined) for the file's default export, else
 * the first name the file exports it under; null when the file does not export it at all.
 */
export function exportToDeploy(flow: Pick<DescribedFlow, 'isDefault' | 'exports'>): string | undefined | null {
  if (flow.isDefault || flow.exports.includes('default')) return undefined;
  return flow.exports[0] ?? null;
}

/**
 * What the dialog sends to deploy the file's flow by its export, or a problem per field. `exportName`
 * is left out for the file's default export.
 */
export function deployRequest(
  path: string,
  exportName: string | undefined,
  form: DeployForm,
  parameters: Record<string, unknown>,
): { request: DeployFlowFileRequest } | { errors: Partial<Record<DeployField, string>> } {
  const errors: Partial<Record<DeployField, string>> = {};
  const name = ResourceNameSchema.safeParse(form.name.trim());
  if (!name.success) errors.name = form.name.trim() === '' ? 'Name is required' : `Name ${name.error.issues[0]?.message ?? 'is not valid'}`;
  if (form.workPool === '') errors.workPool = 'Choose the work pool whose workers run it';
  const schedule = formSchedule(form);
  if ('field' in schedule) errors[schedule.field] = schedule.message;
  if (Object.keys(errors).length > 0 || !('schedule' in schedule)) return { errors };
  const request: DeployFlowFileRequest = { path, name: form.name.trim(), workPool: form.workPool };
  if (exportName !== undefined) request.export = exportName;
  if (form.workQueue !== '') request.workQueue = form.workQueue;
  if (schedule.schedule !== null) request.schedule = schedule.schedule;
  if (Object.keys(parameters).length > 0) request.parameters = parameters;
  return { request };
}

/** Which field of the form a refusal of the server names, when it names one. */
export function deployErrorField(message: string): DeployField | null {
  if (/^(schedule\.)?timezone\b|time zone/i.test(message)) return 'timezone';
  if (/^(schedule\.)?cron\b|\bcron\b/i.test(message)) return 'cron';
  if (/^(schedule\.)?interval\b/i.test(message)) return 'interval';
  if (/\b(work )?queue\b/i.test(message)) return 'workQueue';
  if (/\b(work )?pool\b/i.test(message)) return 'workPool';
  if (/^name\b/i.test(message)) return 'name';
  return null;
}
