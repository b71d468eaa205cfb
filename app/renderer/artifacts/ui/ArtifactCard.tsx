import type { Artifact } from '../../../core/api/artifacts.js';
import { routeHash } from '../../app/routes.js';
import { artifactTitle } from '../model/artifact-view.js';
import { ArtifactBody } from './ArtifactBody.js';

/** One artifact: its name, type and when, what it holds, and (on the artifact pages) the run it came from. */
export function ArtifactCard({ artifact, showRun = false }: { artifact: Artifact; showRun?: boolean }) {
  return (
    <article className="fd-artifact" data-testid="artifact" data-type={artifact.type} data-key={artifact.key ?? ''}>
      <header className="fd-artifact-head">
        <strong>
          {artifact.key ? <a href={routeHash({ page: 'artifact-key', key: artifact.key })}>{artifact.key}</a> : artifactTitle(artifact)}
        </strong>
        <span className="fd-artifact-type">{artifact.type}</span>
        <span className="fd-muted">{new Date(artifact.updatedAt).toLocaleString()}</span>
        {showRun ? <a href={routeHash({ page: 'run', flowRunId: artifact.flowRunId, view: 'artifacts' })}>flow run</a> : null}
      </header>
      {artifact.key && artifact.description ? <p className="fd-muted fd-artifact-description">{artifact.description}</p> : null}
      <ArtifactBody artifact={artifact} />
    </article>
  );
}
