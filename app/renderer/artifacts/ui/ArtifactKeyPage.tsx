import { routeHash } from '../../app/routes.js';
import { useServices } from '../../app/services-context.js';
import { ReadFailedNotice } from '../../shared/PageParts.js';
import { usePolled } from '../../shared/use-polled.js';
import { ARTIFACT_PAGE_MAX } from '../../../core/api/artifacts.js';
import { ArtifactCard } from './ArtifactCard.js';
import './artifacts.css';

const REFRESH_MS = 5000;

/** One key: its latest version in full, then every earlier one, newest first. */
export function ArtifactKeyPage({ artifactKey }: { artifactKey: string }) {
  const { client } = useServices();
  // Every version through the listing: a key with none (deleted, or never made) is an empty history, not a failed read.
  const { data, error, reload } = usePolled(
    async () => (await client.listArtifacts({ query: { key: artifactKey, limit: ARTIFACT_PAGE_MAX } })).items,
    `artifact-key:${artifactKey}`,
    REFRESH_MS,
  );
  return (
    <div className="fd-artifacts-page" data-testid="artifact-key-page">
      <header className="fd-run-header">
        <a href={routeHash({ page: 'artifacts' })}>← Artifacts</a>
        <h1>{artifactKey}</h1>
      </header>
      {error ? <ReadFailedNotice message={`Could not read the artifact: ${error}`} onRetry={reload} /> : null}
      {data === null ? (
        error ? null : (
          <p className="fd-page-status fd-muted">Loading…</p>
        )
      ) : data.length === 0 ? (
        <div className="fd-empty-state" data-testid="artifact-key-empty">
          <h2>No artifact has this key</h2>
          <p>It may have been deleted.</p>
        </div>
      ) : (
        <>
          <h2>Latest</h2>
          <ArtifactCard artifact={data[0]} showRun />
          <h2>
            History ({data.length} version{data.length === 1 ? '' : 's'})
          </h2>
          <ol className="fd-artifact-history" data-testid="artifact-history">
            {data.map((artifact, i) => (
              <li key={artifact.id} data-testid="artifact-version">
                {i === 0 ? (
                  <span className="fd-muted">
                    {new Date(artifact.createdAt).toLocaleString()} · latest ·{' '}
                    <a href={routeHash({ page: 'run', flowRunId: artifact.flowRunId, view: 'artifacts' })}>flow run</a>
                  </span>
                ) : (
                  <details>
                    <summary>
                      {new Date(artifact.createdAt).toLocaleString()} ·{' '}
                      <a href={routeHash({ page: 'run', flowRunId: artifact.flowRunId, view: 'artifacts' })}>flow run</a>
                    </summary>
                    <ArtifactCard artifact={artifact} />
                  </details>
                )}
              </li>
            ))}
          </ol>
        </>
      )}
    </div>
  );
}
