import { useServices } from '../../app/services-context.js';
import { ReadFailedNotice } from '../../shared/PageParts.js';
import { usePolled } from '../../shared/use-polled.js';
import { ArtifactCard } from './ArtifactCard.js';
import './artifacts.css';

/** While the run goes on its artifacts are read this often, so a progress bar moves. */
const LIVE_REFRESH_MS = 1000;
/** An ended run's artifacts change only when someone deletes one. */
const ENDED_REFRESH_MS = 30_000;
const RUN_ARTIFACTS_MAX = 500;

/** A flow run's artifacts, oldest first as the run made them. */
export function RunArtifacts({ flowRunId, ended }: { flowRunId: string; ended: boolean }) {
  const { client } = useServices();
  const { data, error, reload } = usePolled(
    () => client.listArtifacts({ query: { flowRunId, limit: RUN_ARTIFACTS_MAX } }),
    `run-artifacts:${flowRunId}`,
    ended ? ENDED_REFRESH_MS : LIVE_REFRESH_MS,
  );
  return (
    <div className="fd-artifacts-view" data-testid="run-artifacts">
      {error ? <ReadFailedNotice message={`Could not read the artifacts: ${error}`} onRetry={reload} /> : null}
      {data === null ? (
        error ? null : (
          <p className="fd-page-status fd-muted">Loading artifacts…</p>
        )
      ) : data.items.length === 0 ? (
        <div className="fd-empty-state" data-testid="run-artifacts-empty">
          <h2>No artifacts</h2>
          <p>
            This run made none. Flows and tasks make them with <code>createMarkdownArtifact</code>, <code>createTableArtifact</code>,{' '}
            <code>createLinkArtifact</code> or <code>createProgressArtifact</code>.
          </p>
        </div>
      ) : (
        [...data.items].reverse().map((artifact) => <ArtifactCard key={artifact.id} artifact={artifact} />)
      )}
    </div>
  );
}
