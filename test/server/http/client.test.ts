import { describe, expect, it } from 'vitest';
import { ApiError, ApiUnreachableError, createApiClient } from '../../../app/core/api/index.js';
import { startTestServer } from './support.js';

describe('the API client', () => {
  it('turns an error answer into an ApiError with the status and the server message', async () => {
    const server = await startTestServer();
    try {
      const client = createApiClient({ baseUrl: `${server.api}/` });
      const error = await client.getFlowRun({ params: { id: 'nope' } }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ApiError);
      expect(error).toMatchObject({ status: 404, message: "no flow run with id 'nope'", method: 'GET', url: `${server.api}/flow-runs/nope` });

      const invalid = await client.listFlowRuns({ query: { limit: 0 } }).catch((e: unknown) => e);
      expect(invalid).toMatchObject({ status: 400, message: expect.stringMatching(/^query\.limit: /) });
    } finally {
      await server.close();
    }
  });

  it('sends path parameters encoded and list queries as repeated keys', async () => {
    const server = await startTestServer();
    try {
      const client = createApiClient({ baseUrl: server.api });
      const limit = await client.setConcurrencyLimit({ params: { tag: 'a/b c?' }, body: { limit: 3 } });
      expect(limit.tag).toBe('a/b c?');
      expect((await client.getConcurrencyLimit({ params: { tag: 'a/b c?' } })).limit).toBe(3);
      const page = await client.listFlowRuns({ query: { stateTypes: ['FAILED', 'RUNNING'], tags: ['x'] } });
      expect(page).toEqual({ items: [], nextCursor: null });
    } finally {
      await server.close();
    }
  });

  it('says it cannot reach a server that is not there, in one line', async () => {
    const server = await startTestServer();
    const api = server.api;
    await server.close();
    const error = await createApiClient({ baseUrl: api })
      .health()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiUnreachableError);
    expect((error as Error).message).toMatch(new RegExp(`^cannot reach ${api.replace(/[.]/g, '\\.')} \\(connect ECONNREFUSED`));
    expect((error as Error).message).not.toContain('\n');
  });
});
