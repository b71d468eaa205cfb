import type { Firing } from '../../../core/automations/index.js';

/** How a firing's actions went, in a few words: `send-notification: done`, `run-deployment: failed (no deployment 'x')`. */
export function deliveriesText(firing: Firing): string {
  return firing.deliveries
    .map((delivery) => {
      const attempts = delivery.attempts > 1 ? ` after ${delivery.attempts} attempts` : '';
      const error = delivery.status !== 'done' && delivery.lastError ? ` (${delivery.lastError})` : '';
      return `${delivery.actionKind}: ${delivery.status}${attempts}${error}`;
    })
    .join('; ');
}
