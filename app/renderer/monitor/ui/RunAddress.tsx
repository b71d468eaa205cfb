import { useEffect, useState } from 'react';
import { isFullRunId, resolveFlowRunId } from '../model/run-id.js';
import { routeHash, type Route } from '../../app/routes.js';
import { useServices } from '../../app/services-context.js';
import { navigate } from '../../app/use-route.js';
import { FlowRunPage } from './FlowRunPage.js';

/** A run page's address: a short id is made the full one, in place, before the page opens. */
export function RunAddress({ route }: { route: Extract<Route, { page: 'run' }> }) {
  const { client } = useServices();
  const full = isFullRunId(route.flowRunId);
  const [error, setError] = useState<string | null>(null);
  const { flowRunId, taskRunId, view } = route;
  useEffect(() => {
    if (full) return;
    let live = true;
    setError(null);
    void resolveFlowRunId(client, flowRunId).then((found) => {
      if (!live) return;
      if ('id' in found)
        navigate({ page: 'run', flowRunId: found.id, ...(taskRunId ? { taskRunId } : {}), ...(view ? { view } : {}) }, { replace: true });
      else setError(found.error);
    });
    return () => {
      live = false;
    };
  }, [client, full, flowRunId, taskRunId, view]);

  if (full) return <FlowRunPage key={flowRunId} flowRunId={flowRunId} taskRunId={taskRunId} view={view} />;
  if (error === null) return <p className="fd-page-status">Finding the flow run…</p>;
  return (
    <div className="fd-page-status" role="alert">
      <p>Cannot open the run: {error}</p>
      <p>
        <a href={routeHash({ page: 'runs' })}>Back to the runs</a>
      </p>
    </div>
  );
}
