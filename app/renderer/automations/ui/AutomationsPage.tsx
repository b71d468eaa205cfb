import { useState } from 'react';
import type { AutomationRead } from '../../../core/api/automations.js';
import { describeAction, describeTrigger, NOTIFYING_BLOCK_TYPES } from '../../../core/automations/index.js';
import { routeHash } from '../../app/routes.js';
import { useServices } from '../../app/services-context.js';
import { PauseToggle, ReadFailedNotice } from '../../shared/PageParts.js';
import { usePolled } from '../../shared/use-polled.js';
import { deliveriesText } from '../model/firing-text.js';
import { NewAutomationForm } from './NewAutomationForm.js';
import './automations.css';

/** Firings come as runs end: the list is read again this often. */
const REFRESH_MS = 3000;
const FIRINGS_SHOWN = 5;

/** Every automation: when it fires, what it does, its recent firings and how their actions went; pause, resume, create. */
export function AutomationsPage() {
  const { client } = useServices();
  const [busy, setBusy] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const { data, error, reload } = usePolled(
    async () => {
      const automations = await client.listAutomations();
      return Promise.all(
        automations.map((automation) => client.getAutomation({ params: { automation: automation.id }, query: { firings: FIRINGS_SHOWN } })),
      );
    },
    'automations',
    REFRESH_MS,
  );
  const blocks = usePolled(() => client.listBlocks(), 'automation-blocks', 30_000);
  const notifyingBlocks = (blocks.data ?? [])
    .filter((block) => (NOTIFYING_BLOCK_TYPES as readonly string[]).includes(block.type))
    .map((block) => `${block.type}/${block.name}`);

  async function toggle(automation: AutomationRead): Promise<void> {
    setBusy(automation.id);
    setActionError(null);
    try {
      await client.updateAutomation({ params: { automation: automation.id }, body: { enabled: !automation.enabled } });
      reload();
    } catch (failure) {
      setActionError(`Could not ${automation.enabled ? 'pause' : 'resume'} ${automation.name}: ${(failure as Error).message}`);
    } finally {
      setBusy(null);
    }
  }

  return (
    <div className="fd-automations" data-testid="automations-page">
      <header className="fd-run-header">
        <h1>Automations</h1>
      </header>
      {error ? <ReadFailedNotice message={`Could not read the automations: ${error}`} onRetry={reload} /> : null}
      {actionError ? (
        <div className="fd-notice is-error" role="alert">
          <span>{actionError}</span>
        </div>
      ) : null}
      {data === null ? (
        error ? null : (
          <p className="fd-page-status fd-muted">Loading automations…</p>
        )
      ) : data.length === 0 ? (
        <p className="fd-muted" data-testid="automations-empty">
          No automations yet. Make one below, or with <code>flowdeck automation create --file FILE</code>.
        </p>
      ) : (
        <table className="fd-table" data-testid="automations-table">
          <thead>
            <tr>
              <th>Automation</th>
              <th>Status</th>
              <th>When</th>
              <th>Then</th>
              <th>Recent firings</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {data.map((automation) => (
              <tr key={automation.id} data-testid="automation-row" data-name={automation.name}>
                <td>
                  {automation.name}
                  {automation.description ? <div className="fd-muted">{automation.description}</div> : null}
                </td>
                <td data-testid="automation-status">{automation.enabled ? 'Enabled' : <span className="fd-automation-paused">Paused</span>}</td>
                <td>{describeTrigger(automation.trigger)}</td>
                <td>{automation.actions.map(describeAction).join('; ')}</td>
                <td>
                  {automation.firings.length === 0 ? (
                    <span className="fd-muted">not fired yet</span>
                  ) : (
                    <ul className="fd-automation-firings">
                      {automation.firings.map((firing) => (
                        <li key={firing.id} data-testid="automation-firing">
                          {new Date(firing.firedAt).toLocaleString()}{' '}
                          <a href={routeHash({ page: 'run', flowRunId: firing.flowRunId })}>{firing.flowRunId.slice(0, 8)}</a> {firing.stateName} ·{' '}
                          <span data-testid="automation-firing-deliveries">{deliveriesText(firing)}</span>
                        </li>
                      ))}
                    </ul>
                  )}
                </td>
                <td>
                  <PauseToggle
                    paused={!automation.enabled}
                    busy={busy === automation.id}
                    testIdPrefix="automation"
                    onToggle={() => void toggle(automation)}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <NewAutomationForm blocks={notifyingBlocks} onCreated={reload} />
    </div>
  );
}
