import { routeHash } from '../../app/routes.js';
import { useServices } from '../../app/services-context.js';
import { ReadFailedNotice } from '../../shared/PageParts.js';
import { usePolled } from '../../shared/use-polled.js';
import { linkView, progressValue, tableView } from '../model/artifact-view.js';
import type { Artifact } from '../../../core/api/artifacts.js';
import './artifacts.css';

const REFRESH_MS = 5000;
const LATEST_MAX = 500;

/** A few words on what an artifact holds, for the listing. */
function summary(artifact: Artifact): string {
  switch (artifact.type) {
    case 'markdown': {
      const text = typeof artifact.data === 'string' ? artifact.data.replace(/\s+/g, ' ').trim() : '';
      return text.length > 80 ? `${text.slice(0, 79)}…` : text;
    }
    case 'table': {
      const table = tableView(artifact.data);
      return table ? `${table.rows.length} rows × ${table.columns.length} columns` : '';
    }
    case 'link':
      return linkView(artifact.data).text;
    case 'progress':
      return `${progressValue(artifact.data)}%`;
  }
}

/** The latest version of every artifact key, the most recently made first. */
export function ArtifactsPage() {
  const { client } = useServices();
  const { data, error, reload } = usePolled(() => client.listLatestArtifacts({ query: { limit: LATEST_MAX } }), 'artifacts', REFRESH_MS);
  return (
    <div className="fd-artifacts-page" data-testid="artifacts-page">
      <header className="fd-run-header">
        <h1>Artifacts</h1>
      </header>
      {error ? <ReadFailedNotice message={`Could not read the artifacts: ${error}`} onRetry={reload} /> : null}
      {data === null ? (
        error ? null : (
          <p className="fd-page-status fd-muted">Loading artifacts…</p>
        )
      ) : data.items.length === 0 ? (
        <div className="fd-empty-state" data-testid="artifacts-empty">
          <h2>No artifacts yet</h2>
          <p>Runs make artifacts for people to read: reports, tables, links and progress. Give one a key and each run adds a version of it:</p>
          <pre className="fd-empty-command">{"await createMarkdownArtifact('# Done', { key: 'daily-report' });"}</pre>
        </div>
      ) : (
        <table className="fd-table fd-artifacts-table" data-testid="artifacts-table">
          <thead>
            <tr>
              <th>Key</th>
              <th>Type</th>
              <th>Latest</th>
              <th>Run</th>
              <th>Updated</th>
            </tr>
          </thead>
          <tbody>
            {data.items.map((artifact) => (
              <tr key={artifact.id} data-testid="artifact-row" data-key={artifact.key ?? ''}>
                <td>
                  <a href={routeHash({ page: 'artifact-key', key: artifact.key ?? '' })}>{artifact.key}</a>
                  {artifact.description ? <div className="fd-muted">{artifact.description}</div> : null}
                </td>
                <td>{artifact.type}</td>
                <td className="fd-artifact-summary">{summary(artifact)}</td>
                <td>
                  <a href={routeHash({ page: 'run', flowRunId: artifact.flowRunId, view: 'artifacts' })}>{artifact.flowRunId.slice(0, 8)}</a>
                </td>
                <td>{new Date(artifact.updatedAt).toLocaleString()}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
