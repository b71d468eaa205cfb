import type { Artifact, ArtifactFilter, ArtifactPage, LatestArtifactsFilter, NewArtifact } from '../../core/api/artifacts.js';

/**
 * What runs produce for people to read, as every store keeps it. An artifact with a key already
 * used is a new version of that key; the newest is the key's latest. Refusals are StoreErrors
 * whose message names the field: NOT_FOUND for an unknown flow run or artifact, CONFLICT for a
 * progress update of an artifact of another type, INVALID for a value that does not fit.
 */
export interface ArtifactStore {
  createArtifact(artifact: NewArtifact): Promise<Artifact>;
  /** Sets a progress artifact's value in place; null for an unknown artifact. */
  updateArtifactProgress(id: string, progress: number): Promise<Artifact | null>;
  getArtifact(id: string): Promise<Artifact | null>;
  /** Every version that fits the filter, newest first. */
  listArtifacts(filter: ArtifactFilter): Promise<ArtifactPage>;
  /** The latest version of each key, the most recently made first. */
  listLatestArtifacts(filter: LatestArtifactsFilter): Promise<ArtifactPage>;
  /** Every version of a key, newest first; empty when no artifact has it. */
  listArtifactVersions(key: string): Promise<Artifact[]>;
  deleteArtifact(id: string): Promise<boolean>;
  /** Deletes every version of a key; answers how many. */
  deleteArtifactKey(key: string): Promise<number>;
}
