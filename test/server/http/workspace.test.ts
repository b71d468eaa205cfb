import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createApiClient, WORKSPACE_FILE_MAX_BYTES } from '../../../app/core/api/index.js';
import { EXAMPLES_DIR } from '../../helpers/cli.js';
import { call, startTestServer } from './support.js';
import { fileQuery, startWorkspaceServer, useWorkspaceServer } from './workspace-support.js';

const server = useWorkspaceServer();
afterEach(() => {
  expect(server.current.unexpected).toEqual([]);
});

const FLOW = "import { flow } from 'flowdeck';\nexport default flow({ name: 'f' }, async () => 1);\n";

function read(path: string) {
  return call(`${server.current.api}/workspace/file${fileQuery(path)}`);
}

function write(body: Record<string, unknown>) {
  return call(`${server.current.api}/workspace/file`, { method: 'PUT', body });
}

describe('listing the workspace', () => {
  it('names the flow files with size and time, skipping node_modules, dot-folders, declarations and links', async () => {
    const s = server.current;
    s.put('etl.ts', FLOW);
    s.put('nested/deeper/load.ts', 'x');
    s.put('notes.txt', 'not a flow');
    s.put('types.d.ts', 'declare const x: number;');
    s.put('node_modules/pkg/index.ts', 'x');
    s.put('.git/hooks/pre.ts', 'x');
    s.put('.hidden.ts', 'x');
    writeFileSync(join(s.outside, 'secret.ts'), 'x');
    symlinkSync(s.outside, join(s.workspace, 'linked'));
    symlinkSync(join(s.outside, 'secret.ts'), join(s.workspace, 'secret-link.ts'));

    const answer = await call(`${s.api}/workspace/files`);
    expect(answer.status).toBe(200);
    expect(answer.json.root).toBe(s.workspace);
    expect(answer.json.truncated).toBe(false);
    expect(answer.json.files.map((f: { path: string }) => f.path)).toEqual(['etl.ts', 'nested/deeper/load.ts']);
    const etl = answer.json.files[0];
    const stats = statSync(join(s.workspace, 'etl.ts'));
    expect(etl).toEqual({ path: 'etl.ts', size: stats.size, modifiedAt: stats.mtimeMs });
  });

  it('answers 404 saying how to get one when the server serves no workspace', async () => {
    const bare = await startTestServer();
    try {
      const answer = await call(`${bare.api}/workspace/files`);
      expect(answer.status).toBe(404);
      expect(answer.json.message).toMatch(/serves no workspace; start it with `flowdeck server start --workspace DIR`/);
    } finally {
      await bare.close();
    }
  });
});

describe('paths that leave the workspace', () => {
  const lexical: [string, RegExp][] = [
    ['../escape.ts', /leaves the workspace/],
    ['nested/../../escape.ts', /leaves the workspace/],
    ['./etl.ts', /leaves the workspace/],
    ['/etc/passwd.ts', /is absolute/],
    ['C:/Windows/x.ts', /is absolute/],
    ['..\\escape.ts', /separate folders with '\/'/],
    ['a//b.ts', /empty folder name/],
    ['.git/config.ts', /hidden file or folder/],
    ['node_modules/x.ts', /under node_modules/],
    ['etl.js', /not a flow file/],
    ['types.d.ts', /not a flow file/],
    ['nul\u0000.ts', /NUL character/],
  ];

  it('are refused by text with 400 naming the path, for reads, writes, describe and run', async () => {
    const s = server.current;
    writeFileSync(join(s.outside, 'escape.ts'), 'outside');
    for (const [path, reason] of lexical) {
      const shown = path.replace('\u0000', '\\u0000');
      for (const answer of [
        await read(path),
        await write({ path, content: 'overwritten' }),
        await call(`${s.api}/flow-files/describe`, { method: 'POST', body: { path } }),
        await call(`${s.api}/flow-files/run`, { method: 'POST', body: { path } }),
      ]) {
        expect(answer.status, path).toBe(400);
        expect(answer.json.message, path).toMatch(reason);
        expect(answer.json.message, path).toContain(`'${shown}'`);
      }
    }
    expect(readFileSync(join(s.outside, 'escape.ts'), 'utf8')).toBe('outside');
  });

  it('are refused when a symbolic link leads out, and nothing is written outside', async () => {
    const s = server.current;
    writeFileSync(join(s.outside, 'secret.ts'), 'secret');
    symlinkSync(s.outside, join(s.workspace, 'linked'));
    symlinkSync(join(s.outside, 'secret.ts'), join(s.workspace, 'secret-link.ts'));

    for (const path of ['linked/secret.ts', 'secret-link.ts']) {
      const answer = await read(path);
      expect(answer.status, path).toBe(400);
      expect(answer.json.message).toBe(`path '${path}' leads outside the workspace through a symbolic link`);
    }
    for (const path of ['linked/secret.ts', 'secret-link.ts', 'linked/new.ts', 'linked/deeper/new.ts']) {
      const answer = await write({ path, content: 'overwritten' });
      expect(answer.status, path).toBe(400);
      expect(answer.json.message).toContain(`'${path}'`);
    }
    expect(readFileSync(join(s.outside, 'secret.ts'), 'utf8')).toBe('secret');
    expect(readdirSync(s.outside)).toEqual(['secret.ts']);
  });

  it('follow links that stay inside', async () => {
    const s = server.current;
    s.put('real/etl.ts', FLOW);
    symlinkSync(join(s.workspace, 'real'), join(s.workspace, 'alias'));
    const answer = await read('alias/etl.ts');
    expect(answer.status).toBe(200);
    expect(answer.json.content).toBe(FLOW);
  });

  it('answers 404 naming a file that does not exist', async () => {
    const answer = await read('missing/etl.ts');
    expect(answer.status).toBe(404);
    expect(answer.json.message).toBe("no file 'missing/etl.ts' in the workspace");
  });

  it('turns away requests addressed to another host name (DNS rebinding)', async () => {
    const s = server.current;
    s.put('etl.ts', FLOW);
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const url = new URL(`${s.api}/workspace/file${fileQuery('etl.ts')}`);
      const req = request(
        { host: url.hostname, port: url.port, path: url.pathname + url.search, headers: { host: `attacker.example:${url.port}` } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(403);
  });
});

describe('reading and writing flow files', () => {
  it('creates a file with folders and a sidecar, reads them back, and removes the sidecar on null', async () => {
    const s = server.current;
    const sidecar = JSON.stringify({ nodes: { extract: { x: 10, y: 20 } } });
    const created = await write({ path: 'pipelines/users/etl.ts', content: FLOW, sidecar, expectedModifiedAt: null });
    expect(created.status).toBe(200);
    const onDisk = statSync(join(s.workspace, 'pipelines/users/etl.ts'));
    expect(created.json).toEqual({ path: 'pipelines/users/etl.ts', modifiedAt: onDisk.mtimeMs });
    expect(readFileSync(join(s.workspace, 'pipelines/users/etl.flowdeck.json'), 'utf8')).toBe(sidecar);

    const back = await read('pipelines/users/etl.ts');
    expect(back.json).toEqual({ path: 'pipelines/users/etl.ts', content: FLOW, sidecar, modifiedAt: onDisk.mtimeMs });

    // Left out, the sidecar stays; null removes it.
    const kept = await write({ path: 'pipelines/users/etl.ts', content: `${FLOW}// v2\n`, expectedModifiedAt: back.json.modifiedAt });
    expect(kept.status).toBe(200);
    expect((await read('pipelines/users/etl.ts')).json.sidecar).toBe(sidecar);
    const removed = await write({ path: 'pipelines/users/etl.ts', content: FLOW, sidecar: null, expectedModifiedAt: kept.json.modifiedAt });
    expect(removed.status).toBe(200);
    expect(existsSync(join(s.workspace, 'pipelines/users/etl.flowdeck.json'))).toBe(false);
    expect((await read('pipelines/users/etl.ts')).json.sidecar).toBeNull();

    // No temporary files are left beside it.
    expect(readdirSync(join(s.workspace, 'pipelines/users'))).toEqual(['etl.ts']);
  });

  it('refuses with 409 a write whose caller did not see the version on disk', async () => {
    const s = server.current;
    const first = await write({ path: 'etl.ts', content: 'v1', expectedModifiedAt: null });
    expect(first.status).toBe(200);

    const again = await write({ path: 'etl.ts', content: 'other', expectedModifiedAt: null });
    expect(again.status).toBe(409);
    expect(again.json.message).toMatch(/^'etl.ts' already exists/);

    const second = await write({ path: 'etl.ts', content: 'v2', expectedModifiedAt: first.json.modifiedAt });
    expect(second.status).toBe(200);
    expect(second.json.modifiedAt).toBeGreaterThan(first.json.modifiedAt);

    // A tab still holding the first version.
    const stale = await write({ path: 'etl.ts', content: 'stale', expectedModifiedAt: first.json.modifiedAt });
    expect(stale.status).toBe(409);
    expect(stale.json.message).toMatch(/^'etl.ts' changed on disk since you opened it .*reload it/);

    // Another editor changes the file behind the server's back.
    const later = new Date(Date.now() + 5000);
    writeFileSync(join(s.workspace, 'etl.ts'), 'edited elsewhere');
    utimesSync(join(s.workspace, 'etl.ts'), later, later);
    const clobber = await write({ path: 'etl.ts', content: 'mine', expectedModifiedAt: second.json.modifiedAt });
    expect(clobber.status).toBe(409);
    expect(readFileSync(join(s.workspace, 'etl.ts'), 'utf8')).toBe('edited elsewhere');

    // Deleted since it was opened.
    const gone = await write({ path: 'other.ts', content: 'x', expectedModifiedAt: second.json.modifiedAt });
    expect(gone.status).toBe(409);
    expect(gone.json.message).toMatch(/no longer on disk/);

    // Without expectedModifiedAt the write overwrites, as a "save anyway" does.
    const forced = await write({ path: 'etl.ts', content: 'mine' });
    expect(forced.status).toBe(200);
    expect(readFileSync(join(s.workspace, 'etl.ts'), 'utf8')).toBe('mine');
  });

  it('gives every write a later time, even many within one clock tick', async () => {
    let last = (await write({ path: 'fast.ts', content: 'v0', expectedModifiedAt: null })).json.modifiedAt as number;
    for (let i = 1; i <= 20; i++) {
      const answer = await write({ path: 'fast.ts', content: `v${i}`, expectedModifiedAt: last });
      expect(answer.status, `write ${i}`).toBe(200);
      expect(answer.json.modifiedAt).toBeGreaterThan(last);
      last = answer.json.modifiedAt;
    }
  });

  it('never lets a reader see a half-written file', async () => {
    const s = server.current;
    const size = 1024 * 1024;
    const versions = ['a', 'b'].map((c) => c.repeat(size));
    await write({ path: 'big.ts', content: versions[0] });
    // A reader in another process, reading as fast as it can while the server rewrites the file.
    const reader = spawn(
      process.execPath,
      [
        '-e',
        `const fs = require('node:fs');
         let reads = 0, torn = 0; const stop = Date.now() + 60000;
         process.stdin.on('data', () => { console.log(JSON.stringify({ reads, torn })); process.exit(0); });
         (function loop() {
           for (let i = 0; i < 20; i++) {
             const text = fs.readFileSync(process.argv[1], 'utf8');
             reads++;
             if (text.length !== ${size} || !(text === text[0].repeat(${size}))) torn++;
           }
           if (Date.now() < stop) setImmediate(loop);
         })();`,
        join(s.workspace, 'big.ts'),
      ],
      { stdio: ['pipe', 'pipe', 'inherit'] },
    );
    let output = '';
    reader.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    const ended = new Promise((resolve) => reader.once('close', resolve));
    for (let i = 1; i <= 40; i++) expect((await write({ path: 'big.ts', content: versions[i % 2] })).status).toBe(200);
    reader.stdin.end('stop\n');
    await ended;
    const { reads, torn } = JSON.parse(output.trim());
    expect(reads).toBeGreaterThan(0);
    expect(torn).toBe(0);
    expect(readdirSync(s.workspace)).toEqual(['big.ts']);
  });

  it('refuses files over the size limit with 413 and writes nothing', async () => {
    const s = server.current;
    const big = 'x'.repeat(WORKSPACE_FILE_MAX_BYTES - 10) + 'é'.repeat(10);
    const answer = await write({ path: 'big.ts', content: big });
    expect(answer.status).toBe(413);
    expect(answer.json.message).toMatch(/^'big.ts' is \d+ bytes; the workspace takes files of at most/);
    expect(existsSync(join(s.workspace, 'big.ts'))).toBe(false);

    writeFileSync(join(s.workspace, 'huge.ts'), Buffer.alloc(WORKSPACE_FILE_MAX_BYTES + 1, 'x'));
    expect((await read('huge.ts')).status).toBe(413);
  });

  it('refuses names longer than the file system takes with 400, and takes the longest it can', async () => {
    const s = server.current;
    // The sidecar's ending is longer than '.ts', and its name must fit in 255 bytes too.
    const longest = `${'a'.repeat(255 - '.flowdeck.json'.length)}.ts`;
    const saved = await write({ path: `folder/${longest}`, content: FLOW, sidecar: '{}' });
    expect(saved.status, saved.text).toBe(200);
    expect((await read(`folder/${longest}`)).json).toMatchObject({ content: FLOW, sidecar: '{}' });

    const tooLong = [`${'a'.repeat(256)}.ts`, `b${longest}`, `${'é'.repeat(130)}.ts`, `${'f'.repeat(256)}/x.ts`];
    for (const path of tooLong) {
      for (const answer of [
        await read(path),
        await write({ path, content: FLOW }),
        await call(`${s.api}/flow-files/describe`, { method: 'POST', body: { path } }),
      ]) {
        expect(answer.status, `${path.slice(0, 40)}: ${answer.text.slice(0, 200)}`).toBe(400);
        expect(answer.json.message).toMatch(/longer than|too long/);
      }
    }
  });

  it('works through the typed client', async () => {
    const client = createApiClient({ baseUrl: server.current.api });
    const written = await client.writeWorkspaceFile({ body: { path: 'c.ts', content: FLOW, expectedModifiedAt: null } });
    const file = await client.readWorkspaceFile({ query: { path: 'c.ts' } });
    expect(file).toMatchObject({ path: 'c.ts', content: FLOW, sidecar: null, modifiedAt: written.modifiedAt });
    expect((await client.listWorkspaceFiles()).files.map((f) => f.path)).toEqual(['c.ts']);
  });
});

describe('templates', () => {
  it('lists the example flows with their description and content', async () => {
    const answer = await call(`${server.current.api}/templates`);
    expect(answer.status).toBe(200);
    const names = answer.json.map((t: { name: string }) => t.name);
    expect(names).toEqual(
      readdirSync(EXAMPLES_DIR)
        .filter((n) => n.endsWith('.ts'))
        .map((n) => n.replace(/\.ts$/, ''))
        .sort(),
    );
    const hello = answer.json.find((t: { name: string }) => t.name === 'hello');
    expect(hello.description).toBe('The smallest useful flow: typed parameters, a task, and run logs.');
    expect(hello.content).toBe(readFileSync(join(EXAMPLES_DIR, 'hello.ts'), 'utf8'));
    for (const template of answer.json) {
      expect(template.description, template.name).not.toBe('');
      expect(template.description, template.name).not.toMatch(/resources\/examples/);
    }
  });
});

describe('changing the workspace folder', () => {
  it('is refused with 403 by a server started with a fixed workspace, which says so', async () => {
    const s = server.current;
    const info = await call(`${s.api}/workspace`);
    expect(info.status).toBe(200);
    expect(info.json).toEqual({
      root: s.workspace,
      defaultRoot: join(s.home, 'workspace'),
      changeable: false,
      fixedBecause: 'this server was started with a fixed workspace',
    });
    const answer = await call(`${s.api}/workspace`, { method: 'PUT', body: { root: s.outside } });
    expect(answer.status).toBe(403);
    expect(answer.json.message).toBe('the workspace cannot be changed from here: this server was started with a fixed workspace');
    expect((await call(`${s.api}/workspace/files`)).json.root).toBe(s.workspace);
    expect(existsSync(join(s.home, 'last-workspace.json'))).toBe(false);
  });

  it('serves the new folder from then on and remembers it, where the server allows it', async () => {
    const s = await startWorkspaceServer({ workspaceChange: { allowed: true } });
    try {
      s.put('old.ts', FLOW);
      writeFileSync(join(s.outside, 'other.ts'), FLOW);
      expect((await call(`${s.api}/workspace`)).json).toMatchObject({ root: s.workspace, changeable: true, fixedBecause: null });

      const changed = await call(`${s.api}/workspace`, { method: 'PUT', body: { root: s.outside } });
      expect(changed.status, changed.text).toBe(200);
      expect(changed.json).toEqual({ root: s.outside, defaultRoot: join(s.home, 'workspace'), changeable: true, fixedBecause: null });
      const files = await call(`${s.api}/workspace/files`);
      expect(files.json.root).toBe(s.outside);
      expect(files.json.files.map((f: { path: string }) => f.path)).toEqual(['other.ts']);
      expect((await call(`${s.api}/workspace/file${fileQuery('other.ts')}`)).json.content).toBe(FLOW);
      expect((await call(`${s.api}/workspace/file${fileQuery('old.ts')}`)).status).toBe(404);
      expect(JSON.parse(readFileSync(join(s.home, 'last-workspace.json'), 'utf8'))).toEqual({ folder: s.outside });

      // Back to the default workspace, which is made and seeded on the way.
      const client = createApiClient({ baseUrl: s.api });
      const back = await client.changeWorkspace({ body: { root: join(s.home, 'workspace') } });
      expect(back.root).toBe(join(s.home, 'workspace'));
      expect((await client.listWorkspaceFiles()).files.map((f) => f.path)).toContain('hello.ts');
    } finally {
      await s.close();
    }
  });

  it('refuses with 400 the root, FLOWDECK_HOME, links to them, relative and missing folders, and keeps serving the old one', async () => {
    const s = await startWorkspaceServer({ workspaceChange: { allowed: true } });
    try {
      symlinkSync('/', join(s.outside, 'root-link'));
      const refused: [string, RegExp][] = [
        ['/', /too near the root of the disk/],
        [s.home, /holds Flowdeck's own files/],
        [join(s.outside, 'root-link'), /leads to '\/', which is too near the root/],
        ['outside', /is relative/],
        [join(s.outside, 'missing'), /there is no folder/],
        [join(s.workspace, '.git'), /hidden or node_modules folder/],
      ];
      for (const [root, reason] of refused) {
        const answer = await call(`${s.api}/workspace`, { method: 'PUT', body: { root } });
        expect(answer.status, root).toBe(400);
        expect(answer.json.message, root).toMatch(reason);
      }
      const empty = await call(`${s.api}/workspace`, { method: 'PUT', body: { root: '' } });
      expect(empty.status).toBe(400);
      expect(empty.json.message).toMatch(/root/);
      expect((await call(`${s.api}/workspace`)).json.root).toBe(s.workspace);
      expect(existsSync(join(s.home, 'last-workspace.json'))).toBe(false);
    } finally {
      await s.close();
    }
  });

  it('is refused to other web pages and to anything but JSON, before any folder is looked at', async () => {
    const s = await startWorkspaceServer({ workspaceChange: { allowed: true } });
    try {
      const fromPage = await call(`${s.api}/workspace`, { method: 'PUT', body: { root: s.outside }, headers: { origin: 'https://evil.example' } });
      expect(fromPage.status).toBe(403);
      const form = await call(`${s.api}/workspace`, {
        method: 'PUT',
        body: JSON.stringify({ root: s.outside }),
        headers: { 'content-type': 'text/plain' },
      });
      expect(form.status).toBe(415);
      expect((await call(`${s.api}/workspace`)).json.root).toBe(s.workspace);
    } finally {
      await s.close();
    }
  });
});
