import type { FlowRunView } from '../../shared/flow-run-live.js';
import { ValueBlock } from './TaskRunPanel.js';

/** A flow run's parameters, result and state history. */
export function FlowRunDetails({ view }: { view: FlowRunView }) {
  const run = view.flowRun;
  if (!run) return null;
  const started = view.flowStates[0]?.timestamp ?? run.createdAt;
  return (
    <div className="fd-run-details" data-testid="run-details">
      <dl className="fd-facts">
        <dt>Flow run</dt>
        <dd>
          <code>{run.id}</code>
        </dd>
        <dt>Flow</dt>
        <dd>{run.flowName}</dd>
        {run.entrypoint ? (
          <>
            <dt>File</dt>
            <dd>
              <code>{run.entrypoint}</code>
            </dd>
          </>
        ) : null}
        {run.tags.length ? (
          <>
            <dt>Tags</dt>
            <dd>{run.tags.join(', ')}</dd>
          </>
        ) : null}
        {run.parentFlowRunId ? (
          <>
            <dt>Parent</dt>
            <dd>
              <a href={`#/runs/${run.parentFlowRunId}`}>{run.parentFlowRunId.slice(0, 8)}</a>
            </dd>
          </>
        ) : null}
        <dt>Process</dt>
        <dd>{run.pid !== null ? `${run.hostname ?? '?'} · pid ${run.pid}` : '–'}</dd>
      </dl>
      <h3>Parameters</h3>
      <ValueBlock text={JSON.stringify(run.parameters)} testId="run-parameters" />
      <h3>Result</h3>
      <ValueBlock text={run.result} testId="run-result" />
      {run.state.error ? (
        <>
          <h3>Error</h3>
          <pre className="fd-stack">{run.state.error.stack ?? `${run.state.error.name}: ${run.state.error.message}`}</pre>
        </>
      ) : null}
      <h3>State history</h3>
      <table className="fd-table" data-testid="state-history">
        <thead>
          <tr>
            <th>State</th>
            <th>At</th>
            <th>After start</th>
            <th>Attempt</th>
            <th>Message</th>
          </tr>
        </thead>
        <tbody>
          {view.flowStates.map((state, index) => (
            <tr key={state.transitionId ?? index}>
              <td>
                <span className={`fd-run-badge state-${state.type}`}>{state.name}</span>
              </td>
              <td>{new Date(state.timestamp).toLocaleTimeString()}</td>
              <td>+{((state.timestamp - started) / 1000).toFixed(3)} s</td>
              <td>{state.attempt}</td>
              <td>{state.message ?? state.error?.message ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
