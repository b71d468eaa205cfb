import { ZodError } from 'zod';
import {
  ArtifactListQuerySchema,
  ArtifactSchema,
  CreateArtifactSchema,
  LatestArtifactsQuerySchema,
  type Artifact,
  type ArtifactListQuery,
  type ArtifactPage,
  type CreateArtifact,
} from '../../core/api/artifacts.js';
import type { ArtifactStore } from '../../server/store/artifact-store.js';
import { StoreError } from '../../server/store/store-error.js';
import { UsageError } from '../errors.js';
import type { ArtifactsSource, LatestArtifactsQuery } from './artifacts-source.js';

/** The store's and the schemas' refusals, said as the server says them. */
async function refusalsAsUsage<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ZodError) throw new UsageError(error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    if (error instanceof StoreError && (error.code === 'NOT_FOUND' || error.code === 'INVALID' || error.code === 'CONFLICT')) {
      throw new UsageError(error.message);
    }
    throw error;
  }
}

// Parsed through the API's schema, so `--json` prints the same text locally and against a server.
const asArtifact = (artifact: Artifact): Artifact => ArtifactSchema.parse(artifact);
const asPage = (page: ArtifactPage): ArtifactPage => ({ items: page.items.map(asArtifact), nextCursor: page.nextCursor });

/** Artifacts in the local database, read and written in this process. */
export class LocalArtifactsSource implements ArtifactsSource {
  constructor(private readonly store: ArtifactStore) {}

  createArtifact(artifact: CreateArtifact): Promise<Artifact> {
    return refusalsAsUsage(async () => asArtifact(await this.store.createArtifact(CreateArtifactSchema.parse(artifact))));
  }

  updateArtifactProgress(id: string, progress: number): Promise<Artifact> {
    return refusalsAsUsage(async () => {
      const artifact = await this.store.updateArtifactProgress(id, progress);
      if (!artifact) throw new UsageError(`no artifact ${id}`);
      return asArtifact(artifact);
    });
  }

  listArtifacts(query: ArtifactListQuery): Promise<ArtifactPage> {
    return refusalsAsUsage(async () => asPage(await this.store.listArtifacts(ArtifactListQuerySchema.parse(query))));
  }

  listLatestArtifacts(query: LatestArtifactsQuery): Promise<ArtifactPage> {
    return refusalsAsUsage(async () => asPage(await this.store.listLatestArtifacts(LatestArtifactsQuerySchema.parse(query))));
  }

  async getArtifact(id: string): Promise<Artifact | null> {
    const artifact = await this.store.getArtifact(id);
    return artifact ? asArtifact(artifact) : null;
  }

  async listArtifactVersions(key: string): Promise<Artifact[]> {
    return (await this.store.listArtifactVersions(key)).map(asArtifact);
  }

  deleteArtifact(id: string): Promise<boolean> {
    return this.store.deleteArtifact(id);
  }

  deleteArtifactKey(key: string): Promise<number> {
    return this.store.deleteArtifactKey(key);
  }
}
