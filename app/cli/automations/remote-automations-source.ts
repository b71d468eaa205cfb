import { ApiError, type ApiClient, type AutomationRead, type UpdateAutomation } from '../../core/api/index.js';
import type { Automation, AutomationSpec } from '../../core/automations/index.js';
import { UsageError } from '../errors.js';
import type { AutomationsSource } from './automations-source.js';

function isStatus(error: unknown, ...statuses: number[]): error is ApiError {
  return error instanceof ApiError && statuses.includes(error.status);
}

/** The server's refusal of bad input (and of an unknown automation), said as the local database says it. */
async function refusalsAsUsage<T>(request: Promise<T>): Promise<T> {
  try {
    return await request;
  } catch (error) {
    if (isStatus(error, 400, 404, 409, 422)) throw new UsageError(error.message);
    throw error;
  }
}

/** Automations on a Flowdeck server, through its REST API. */
export class RemoteAutomationsSource implements AutomationsSource {
  constructor(private readonly api: ApiClient) {}

  list(): Promise<Automation[]> {
    return refusalsAsUsage(this.api.listAutomations());
  }

  async read(idOrName: string): Promise<AutomationRead | null> {
    try {
      return await this.api.getAutomation({ params: { automation: idOrName } });
    } catch (error) {
      if (isStatus(error, 404)) return null;
      return refusalsAsUsage(Promise.reject(error));
    }
  }

  create(spec: AutomationSpec): Promise<Automation> {
    return refusalsAsUsage(this.api.createAutomation({ body: spec }));
  }

  update(idOrName: string, changes: UpdateAutomation): Promise<Automation> {
    return refusalsAsUsage(this.api.updateAutomation({ params: { automation: idOrName }, body: changes }));
  }

  async delete(idOrName: string): Promise<void> {
    await refusalsAsUsage(this.api.deleteAutomation({ params: { automation: idOrName } }));
  }
}
