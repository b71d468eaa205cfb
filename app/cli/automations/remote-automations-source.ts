import { type ApiClient, type AutomationRead, type UpdateAutomation } from '../../core/api/index.js';
import type { Automation, AutomationSpec } from '../../core/automations/index.js';
import type { AutomationsSource } from './automations-source.js';
import { isStatus, refusalsAsUsage } from '../remote-answers.js';

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
