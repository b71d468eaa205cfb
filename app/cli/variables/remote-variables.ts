import { ApiError, type ApiClient, type StoredVariable } from '../../core/api/index.js';
import type { SetVariableRequest, VariableFilter, VariableStore } from '../../server/store/variable-store.js';
import { StoreError } from '../../server/store/store-error.js';

/** Variables on a Flowdeck server, through its REST API, answering as the local store does. */
export class RemoteVariables implements VariableStore {
  constructor(private readonly api: ApiClient) {}

  listVariables(filter: VariableFilter = {}): Promise<StoredVariable[]> {
    return this.api.listVariables({ query: { tag: filter.tags ? [...filter.tags] : undefined, nameContains: filter.nameContains } });
  }

  async getVariable(name: string): Promise<StoredVariable | null> {
    try {
      return await this.api.getVariable({ params: { name } });
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return null;
      throw error;
    }
  }

  async setVariable(name: string, request: SetVariableRequest): Promise<StoredVariable> {
    const body = { value: request.value, overwrite: request.overwrite, ...(request.tags ? { tags: [...request.tags] } : {}) };
    try {
      return await this.api.setVariable({ params: { name }, body });
    } catch (error) {
      // Refused as the local store refuses it, so callers tell one "it exists" apart from other failures either way.
      if (error instanceof ApiError && error.status === 409) throw new StoreError(error.message, 'CONFLICT');
      throw error;
    }
  }

  async deleteVariable(name: string): Promise<boolean> {
    try {
      await this.api.deleteVariable({ params: { name } });
      return true;
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) return false;
      throw error;
    }
  }
}
