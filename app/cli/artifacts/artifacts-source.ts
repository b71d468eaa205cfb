import type { Artifact, ArtifactListQuery, ArtifactPage, ArtifactType } from '../../core/api/artifacts.js';
import type { ArtifactSink } from '../../engine/hosting.js';

/** Which latest-per-key artifacts `artifact ls` wants. */
export interface LatestArtifactsQuery {
  flowRunId?: string;
  type?: ArtifactType;
  limit: number;
}

/**
 * Where artifacts are recorded by flow runs and read by the artifact commands: the local
 * database in this process, or a Flowdeck server over its API. Both hand out the records as the
 * API sends them, so every command prints the same either way; refusals are UsageErrors.
 */
export interface ArtifactsSource extends ArtifactSink {
  listArtifacts(query: ArtifactListQuery): Promise<ArtifactPage>;
  listLatestArtifacts(query: LatestArtifactsQuery): Promise<ArtifactPage>;
  getArtifact(id: string): Promise<Artifact | null>;
  /** Every version of a key, newest first; empty when no artifact has it. */
  listArtifactVersions(key: string): Promise<Artifact[]>;
  deleteArtifact(id: string): Promise<boolean>;
  /** Answers how many versions went. */
  deleteArtifactKey(key: string): Promise<number>;
}
