// What the tests of deployments, schedules, pools and claims share: a server whose bundles live in
// its test home, and requests to deploy with.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect } from 'vitest';
import { createApiClient, type ApiClient, type Bundle, type DeployRequest } from '../../../app/core/api/index.js';
import { startTestServer, type TestServer, type TestServerOptions } from './support.js';

/** A flow's parameters: `n` a required integer, `label` an optional string. */
export const PARAMETER_SCHEMA = {
  type: 'object',
  properties: { n: { type: 'integer' }, label: { type: 'string' } },
  required: ['n'],
  additionalProperties: false,
};

export function deployRequest(overrides: Partial<DeployRequest> = {}): DeployRequest {
  return { name: 'nightly', flowName: 'etl', entrypoint: 'flows/etl.ts:etl', workPool: 'main', ...overrides };
}

export function textBundle(files: Record<string, string>): Bundle {
  return { files: Object.entries(files).map(([path, text]) => ({ path, content: Buffer.from(text).toString('base64') })) };
}

export interface DeploymentTestServer {
  server: TestServer;
  client: ApiClient;
}

/** A fresh server (with a work pool 'main') for each test of the file, its bundles in a temp home. */
export function useDeploymentServer(options: TestServerOptions = {}): { readonly current: DeploymentTestServer } {
  let current: DeploymentTestServer;
  let home: string;
  beforeEach(async () => {
    home = mkdtempSync(join(tmpdir(), 'flowdeck-home-'));
    const server = await startTestServer({ home, ...options });
    const client = createApiClient({ baseUrl: server.api, apiKey: options.apiKey });
    await client.createWorkPool({ body: { name: 'main' } });
    current = { server, client };
  });
  afterEach(async () => {
    expect(current.server.unexpected).toEqual([]);
    await current.server.close();
    rmSync(home, { recursive: true, force: true });
  });
  return {
    get current() {
      return current;
    },
  };
}
