import type { AutomationRead, UpdateAutomation } from '../../core/api/automations.js';
import type { Automation, AutomationSpec } from '../../core/automations/index.js';

/**
 * Where the automation commands work: the local database (a server started on it later fires
 * them), or a Flowdeck server over its API. Bad input is a UsageError naming the field.
 */
export interface AutomationsSource {
  list(): Promise<Automation[]>;
  /** By id or name, with its most recent firings; null when there is none. */
  read(idOrName: string): Promise<AutomationRead | null>;
  create(spec: AutomationSpec): Promise<Automation>;
  update(idOrName: string, changes: UpdateAutomation): Promise<Automation>;
  delete(idOrName: string): Promise<void>;
}
