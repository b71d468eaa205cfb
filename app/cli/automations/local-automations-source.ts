import { AutomationReadSchema, type AutomationRead, type UpdateAutomation } from '../../core/api/automations.js';
import { AutomationSchema, type Automation, type AutomationSpec } from '../../core/automations/index.js';
import { AutomationError } from '../../server/automations/automation-error.js';
import type { Automations } from '../../server/automations/automations.js';
import { StoreError } from '../../server/store/store-error.js';
import { UsageError } from '../errors.js';
import type { AutomationsSource } from './automations-source.js';

/** The refusals of bad input, said as a server says them. */
async function refusalsAsUsage<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof AutomationError) throw new UsageError(error.message);
    if (error instanceof StoreError && error.code === 'CONFLICT') throw new UsageError(error.message);
    throw error;
  }
}

// Parsed through the API's schemas so `--json` prints the same text locally and against a server.
const asAutomation = (automation: Automation): Automation => AutomationSchema.parse(automation);

/** Automations in the local database. */
export class LocalAutomationsSource implements AutomationsSource {
  constructor(private readonly automations: Automations) {}

  list(): Promise<Automation[]> {
    return refusalsAsUsage(async () => (await this.automations.list()).map(asAutomation));
  }

  read(idOrName: string): Promise<AutomationRead | null> {
    return refusalsAsUsage(async () => {
      const automation = await this.automations.read(idOrName);
      return automation && AutomationReadSchema.parse(automation);
    });
  }

  create(spec: AutomationSpec): Promise<Automation> {
    return refusalsAsUsage(async () => asAutomation(await this.automations.create(spec)));
  }

  update(idOrName: string, changes: UpdateAutomation): Promise<Automation> {
    return refusalsAsUsage(async () => asAutomation(await this.automations.update(idOrName, changes)));
  }

  delete(idOrName: string): Promise<void> {
    return refusalsAsUsage(() => this.automations.delete(idOrName));
  }
}
