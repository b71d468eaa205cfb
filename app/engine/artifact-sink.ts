import type { Artifact, CreateArtifact } from '../core/api/artifacts.js';

/**
 * Where the SDK's artifact functions record artifacts: the local store or the server the run
 * reports to. Whoever starts flows hands one to configureEngine; the engine never reaches a server.
 * Refusals reject with an Error whose message names the field.
 */
export interface ArtifactSink {
  createArtifact(artifact: CreateArtifact): Promise<Artifact>;
  /** Answers the artifact with its new progress. */
  updateArtifactProgress(id: string, progress: number): Promise<Artifact>;
}
