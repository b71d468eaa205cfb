/** What a server without pools shows: how to make one and start a worker for it. */
export function PoolsEmpty() {
  return (
    <div className="fd-empty-state" data-testid="work-pools-empty">
      <h2>No work pools yet</h2>
      <p>A work pool is where deployments send their runs, and its workers start them. Create one and start a worker from a terminal:</p>
      <pre className="fd-empty-command fd-pools-command">flowdeck work-pool create local --type process{'\n'}flowdeck worker start --pool local</pre>
      <p className="fd-muted">Then deploy a flow to it: workPool: {'{ name: local }'} in flowdeck.yaml, or --pool local.</p>
    </div>
  );
}
