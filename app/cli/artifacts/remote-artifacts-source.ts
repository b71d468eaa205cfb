import { type ApiClient } from '../../core/api/index.js';
import type { Artifact, ArtifactListQuery, ArtifactPage, CreateArtifact } from '../../core/api/artifacts.js';
import type { ArtifactsSource, LatestArtifactsQuery } from './artifacts-source.js';
import { orNull, refusalsAsUsage } from '../remote-answers.js';

/** Artifacts on a Flowdeck server, through its REST API. */
export class RemoteArtifactsSource implements ArtifactsSource {
  /**
   * `beforeWrite` runs before each artifact is recorded: a flow process hands the reports it
   * has not delivered yet first, so the server knows the run the artifact belongs to.
   */
  constructor(
    private readonly api: ApiClient,
    private readonly beforeWrite: () => Promise<void> = async () => {},
  ) {}

  async createArtifact(artifact: CreateArtifact): Promise<Artifact> {
    await this.beforeWrite();
    return refusalsAsUsage(this.api.createArtifact({ body: artifact }));
  }

  async updateArtifactProgress(id: string, progress: number): Promise<Artifact> {
    return refusalsAsUsage(this.api.updateArtifactProgress({ params: { id }, body: { progress } }));
  }

  listArtifacts(query: ArtifactListQuery): Promise<ArtifactPage> {
    return refusalsAsUsage(this.api.listArtifacts({ query }));
  }

  listLatestArtifacts(query: LatestArtifactsQuery): Promise<ArtifactPage> {
    return refusalsAsUsage(this.api.listLatestArtifacts({ query }));
  }

  getArtifact(id: string): Promise<Artifact | null> {
    return orNull(this.api.getArtifact({ params: { id } }));
  }

  async listArtifactVersions(key: string): Promise<Artifact[]> {
    return (await orNull(this.api.listArtifactKeyHistory({ params: { key } }))) ?? [];
  }

  async deleteArtifact(id: string): Promise<boolean> {
    return (await orNull(this.api.deleteArtifact({ params: { id } }).then(() => true))) ?? false;
  }

  async deleteArtifactKey(key: string): Promise<number> {
    return (await orNull(this.api.deleteArtifactKey({ params: { key } })))?.deleted ?? 0;
  }
}
