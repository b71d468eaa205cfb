// The result routes of a real server with a key: raw bytes in and out, keys that can never name a
// path outside the server's results folder, a size limit with a clear 413, auth, the API document.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { serialize, deserialize } from 'node:v8';
import { afterEach, describe, expect, it } from 'vitest';
import { ServerResultStorage } from '../../../app/cli/results/server-result-storage.js';
import { makeTempHome } from '../../helpers/temp-home.js';
import { call, useTestServer } from './support.js';

const KEY = 'a-key-for-results';
const auth = { authorization: `Bearer ${KEY}` };
let home: ReturnType<typeof makeTempHome>;
const server = useTestServer(() => {
  home = makeTempHome();
  return { apiKey: KEY, home: home.home, resultMaxBytes: 1024 };
});
afterEach(() => home.cleanup());

function put(key: string, body: Buffer, headers: Record<string, string> = auth): Promise<Response> {
  return fetch(`${server.current.api}/results/${key}`, { method: 'PUT', headers: { ...headers, 'content-type': 'application/octet-stream' }, body });
}

describe('PUT and GET /api/results/:key', () => {
  it('keeps the bytes under the server’s FLOWDECK_HOME and gives them back as they were', async () => {
    const value = { at: new Date(7), big: 12n, map: new Map([['a', 1]]) };
    expect((await put('abc123.bin', serialize({ value }))).status).toBe(204);
    const got = await fetch(`${server.current.api}/results/abc123.bin`, { headers: auth });
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe('application/octet-stream');
    expect((deserialize(Buffer.from(await got.arrayBuffer())) as { value: unknown }).value).toEqual(value);
    expect(readdirSync(join(home.home, 'storage', 'shared'))).toEqual(['abc123.bin']);

    // HEAD says whether a result is there without sending it.
    expect((await fetch(`${server.current.api}/results/abc123.bin`, { method: 'HEAD', headers: auth })).status).toBe(200);
    expect((await fetch(`${server.current.api}/results/none.bin`, { method: 'HEAD', headers: auth })).status).toBe(404);

    const missing = await call(`${server.current.api}/results/none.bin`, { headers: auth });
    expect(missing.status).toBe(404);
    expect(missing.json.message).toBe("no stored result with key 'none.bin'");
  });

  it('needs the key on both routes', async () => {
    expect((await put('abc.bin', Buffer.from('x'), {})).status).toBe(401);
    expect((await call(`${server.current.api}/results/abc.bin`)).status).toBe(401);
    expect(existsSync(join(home.home, 'storage', 'shared', 'abc.bin'))).toBe(false);
  });

  it('refuses keys that are not a plain file name, naming the key', async () => {
    for (const key of ['..%2Fx', '.hidden', '%2Fetc%2Fpasswd', 'a%5Cb', 'a%00b']) {
      const answer = await put(key, Buffer.from('x'));
      expect(answer.status, key).toBe(400);
      expect(((await answer.json()) as { message: string }).message, key).toContain('key');
      const read = await call(`${server.current.api}/results/${key}`, { headers: auth });
      expect(read.status, key).toBe(400);
    }
    // Nothing was written, in the results folder or beside it.
    expect(existsSync(join(home.home, 'storage', 'shared'))).toBe(false);
    expect(existsSync(join(home.home, 'x'))).toBe(false);
    expect(existsSync(join(home.home, 'storage', 'x'))).toBe(false);
  });

  it('refuses a result over the size limit with 413 naming the limit, and keeps what was there', async () => {
    expect((await put('big.bin', Buffer.alloc(1000, 1))).status).toBe(204);
    const answer = await put('big.bin', Buffer.alloc(2000, 2));
    expect(answer.status).toBe(413);
    expect(((await answer.json()) as { message: string }).message).toBe('the request body is larger than the 1024 bytes this server accepts');
    const kept = await fetch(`${server.current.api}/results/big.bin`, { headers: auth });
    expect(Buffer.from(await kept.arrayBuffer())).toEqual(Buffer.alloc(1000, 1));
  });

  it('still refuses a body that is neither JSON nor bytes on the other routes', async () => {
    const answer = await call(`${server.current.api}/variables/x`, {
      method: 'PUT',
      body: 'raw',
      headers: { ...auth, 'content-type': 'application/octet-stream' },
    });
    expect(answer.status).toBe(415);
  });

  it('is in the API document', async () => {
    const doc = (await call(`${server.current.api}/openapi.json`, { headers: auth })).json;
    const path = doc.paths['/api/results/{key}'];
    expect(path.put.operationId).toBe('putResult');
    expect(path.get.operationId).toBe('getResult');
    expect(path.put.parameters.map((p: { name: string }) => p.name)).toEqual(['key']);
  });

  it('is what a flow process on another machine writes and reads results through', async () => {
    const storage = new ServerResultStorage(server.current.api, KEY);
    await storage.write('from-a.bin', Buffer.from('bytes of a result'));
    expect(await storage.exists('from-a.bin')).toBe(true);
    expect(await storage.exists('from-b.bin')).toBe(false);
    expect((await storage.read('from-a.bin')).toString()).toBe('bytes of a result');
    await expect(storage.read('from-b.bin')).rejects.toThrow("the server did not give result from-b.bin: 404 no stored result with key 'from-b.bin'");
    await expect(new ServerResultStorage(server.current.api, 'wrong').write('x.bin', Buffer.from('x'))).rejects.toThrow(
      'the server did not store result x.bin: 401',
    );
  });
});
