/** What a server without variables shows: what they are for and how to make one. */
export function VariablesEmpty({ onCreate }: { onCreate(): void }) {
  return (
    <div className="fd-empty-state" data-testid="variables-empty">
      <h2>No variables yet</h2>
      <p>Variables are JSON values shared by every flow, kept by name. Set one from a terminal:</p>
      <pre className="fd-empty-command">
        flowdeck variable set db-host '"db.internal"'{'\n'}flowdeck variable set limits '{'{"rows": 1000}'}' --tag etl
      </pre>
      <p className="fd-muted">
        Read it in a flow with <code>await Variable.get('db-host', 'localhost')</code>, or{' '}
        <button type="button" className="fd-link" onClick={onCreate}>
          create one here
        </button>
        .
      </p>
    </div>
  );
}
