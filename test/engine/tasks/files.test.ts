// readFile and writeFile inside real flows on a real store, on real files.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { flow } from '../../../app/engine/index.js';
import { readFile, writeFile } from '../../../app/engine/tasks/index.js';
import { useEngineStore, type EngineStore } from '../../helpers/engine-store.js';
import { taskRunsOf } from '../support.js';

let env: EngineStore;
let dir: string;
beforeEach(async () => {
  env = await useEngineStore();
  dir = mkdtempSync(join(tmpdir(), 'flowdeck-files-'));
});
afterEach(async () => {
  await env.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('writeFile and readFile', () => {
  it('write text into new folders, append, and read it back; each call is a task run', async () => {
    const path = join(dir, 'out', 'nested', 'notes.txt');
    const outcome = await flow({ name: 'text-files' }, async () => {
      const first = await writeFile({ path, content: 'héllo\n' });
      const second = await writeFile({ path, content: 'again\n', append: true });
      return [first, second, await readFile({ path })];
    }).run();
    expect(outcome.result).toEqual([{ path, bytes: 7 }, { path, bytes: 6 }, 'héllo\nagain\n']);
    expect(readFileSync(path, 'utf8')).toBe('héllo\nagain\n');
    expect((await taskRunsOf(env.store, outcome.flowRunId, 'write-file')).map((r) => r.name)).toEqual(['write-file-0', 'write-file-1']);
    expect((await taskRunsOf(env.store, outcome.flowRunId, 'read-file')).map((r) => r.state.name)).toEqual(['Completed']);
  });

  it('json writes pretty JSON and reads it parsed; base64 round-trips bytes', async () => {
    const jsonPath = join(dir, 'data.json');
    const binPath = join(dir, 'bytes.bin');
    const bytes = Buffer.from([0, 1, 2, 250, 255]);
    const outcome = await flow({ name: 'json-base64' }, async () => {
      await writeFile({ path: jsonPath, content: { rows: [1, 2], ok: true }, encoding: 'json' });
      await writeFile({ path: binPath, content: bytes.toString('base64'), encoding: 'base64' });
      return [await readFile({ path: jsonPath, encoding: 'json' }), await readFile({ path: binPath, encoding: 'base64' })];
    }).run();
    expect(readFileSync(jsonPath, 'utf8')).toBe('{\n  "rows": [\n    1,\n    2\n  ],\n  "ok": true\n}\n');
    expect(readFileSync(binPath).equals(bytes)).toBe(true);
    expect(outcome.result).toEqual([{ rows: [1, 2], ok: true }, bytes.toString('base64')]);
  });

  it('relative paths are taken from the working folder', async () => {
    const before = process.cwd();
    process.chdir(dir);
    try {
      const outcome = await flow({ name: 'relative' }, async () => {
        const written = await writeFile({ path: 'sub/relative.txt', content: 'here' });
        return [written.path, await readFile({ path: 'sub/relative.txt' })];
      }).run();
      expect(outcome.result).toEqual([join(process.cwd(), 'sub', 'relative.txt'), 'here']);
    } finally {
      process.chdir(before);
    }
  });

  it('fail with what was wrong: a missing file, JSON that is not, text expected', async () => {
    writeFileSync(join(dir, 'broken.json'), '{"a": ');
    const outcome = await flow({ name: 'file-errors' }, async () => {
      const message = (p: Promise<unknown>) =>
        p.then(
          () => 'no error',
          (e: Error) => e.message,
        );
      return [
        await message(readFile({ path: join(dir, 'missing.txt') })),
        await message(readFile({ path: join(dir, 'broken.json'), encoding: 'json' })),
        await message(writeFile({ path: join(dir, 'x.txt'), content: { a: 1 } })),
      ];
    }).run();
    const [missing, broken, notText] = outcome.result as string[];
    expect(missing).toContain('ENOENT');
    expect(missing).toContain(join(dir, 'missing.txt'));
    expect(broken).toMatch(new RegExp(`^${join(dir, 'broken.json')} is not valid JSON: `));
    expect(notText).toBe("writeFile: content must be text for encoding 'utf8', got object; use encoding 'json' for other values");
    expect(existsSync(join(dir, 'x.txt'))).toBe(false);
    expect((await taskRunsOf(env.store, outcome.flowRunId, 'read-file')).map((r) => r.state.name)).toEqual(['Failed', 'Failed']);
  });
});
