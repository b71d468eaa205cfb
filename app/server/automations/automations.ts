import type { AutomationRead, UpdateAutomation } from '../../core/api/automations.js';
import { NOTIFYING_BLOCK_TYPES, type Action, type Automation, type AutomationSpec, type Trigger } from '../../core/automations/index.js';
import type { RunStore } from '../store/run-store.js';
import { AutomationError } from './automation-error.js';
import { findDeploymentByReference } from './deployment-reference.js';

/**
 * Automations as people make and change them: what they name (blocks, deployments) is checked
 * to exist and to fit before anything is stored, each refusal naming the field.
 */
export class Automations {
  constructor(private readonly store: RunStore) {}

  list(): Promise<Automation[]> {
    return this.store.listAutomations();
  }

  async read(idOrName: string, firings = 20): Promise<AutomationRead | null> {
    const automation = await this.store.getAutomation(idOrName);
    if (!automation) return null;
    return { ...automation, firings: await this.store.listFirings(automation.id, firings) };
  }

  async create(spec: AutomationSpec): Promise<Automation> {
    await this.checkTrigger(spec.trigger);
    await this.checkActions(spec.actions);
    return this.store.insertAutomation(spec);
  }

  async update(idOrName: string, changes: UpdateAutomation): Promise<Automation> {
    const automation = await this.store.getAutomation(idOrName);
    if (!automation) throw noAutomation(idOrName);
    if (changes.trigger) await this.checkTrigger(changes.trigger);
    if (changes.actions) await this.checkActions(changes.actions);
    const updated = await this.store.updateAutomation(automation.id, changes);
    if (!updated) throw noAutomation(idOrName);
    return updated;
  }

  async delete(idOrName: string): Promise<void> {
    const automation = await this.store.getAutomation(idOrName);
    if (!automation || !(await this.store.deleteAutomation(automation.id))) throw noAutomation(idOrName);
  }

  private async checkTrigger(trigger: Trigger): Promise<void> {
    for (const [index, deployment] of (trigger.deployments ?? []).entries()) {
      await this.checkDeployment(deployment, `trigger.deployments[${index}]`);
    }
  }

  private async checkActions(actions: readonly Action[]): Promise<void> {
    for (const [index, action] of actions.entries()) {
      const at = `actions[${index}]`;
      switch (action.kind) {
        case 'send-notification':
          await this.checkNotifyingBlock(action.block, `${at}.block`);
          break;
        case 'run-deployment':
          await this.checkDeployment(action.deployment, `${at}.deployment`);
          break;
        case 'pause-deployment':
          if (action.deployment !== undefined) await this.checkDeployment(action.deployment, `${at}.deployment`);
          break;
        case 'cancel-flow-run':
          break;
      }
    }
  }

  private async checkNotifyingBlock(address: string, field: string): Promise<void> {
    const slash = address.indexOf('/');
    const type = address.slice(0, slash);
    const name = address.slice(slash + 1);
    if (!(NOTIFYING_BLOCK_TYPES as readonly string[]).includes(type)) {
      throw new AutomationError(
        `${field}: a block of type '${type}' cannot send notifications; use one of ${NOTIFYING_BLOCK_TYPES.join(', ')}`,
        'INVALID',
      );
    }
    if (!(await this.store.getBlock(type, name))) {
      throw new AutomationError(`${field}: no block ${address}; create it with: flowdeck block create ${address} --data JSON`, 'INVALID');
    }
  }

  private async checkDeployment(reference: string, field: string): Promise<void> {
    if (!(await findDeploymentByReference(this.store, reference))) {
      throw new AutomationError(`${field}: no deployment '${reference}' (give FLOW/NAME or an id; 'flowdeck deployment ls' lists them)`, 'INVALID');
    }
  }
}

function noAutomation(idOrName: string): AutomationError {
  return new AutomationError(`automation: no automation with id or name '${idOrName}'`, 'NOT_FOUND');
}
