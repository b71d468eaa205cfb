// The code bundle of a deployment: the flow file and the local files it imports, found on a real disk.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildBundle } from '../../app/cli/deployments/build-bundle.js';
import { UsageError } from '../../app/cli/errors.js';
import { bundleHash } from '../../app/server/bundles/bundle-hash.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'flowdeck-bundle-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function write(path: string, text: string): string {
  const full = join(dir, path);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, text);
  return full;
}

/** A project whose flow file imports a local module (which imports another), a JSON file and packages. */
function project(root: string): string {
  write(`${root}/lib/deep/util.ts`, 'export const twice = (n: number) => n * 2;\n');
  write(`${root}/lib/math.ts`, "export { twice } from './deep/util.js';\nexport const one = 1;\n");
  write(`${root}/settings.json`, '{"limit": 3}\n');
  write(`${root}/unused.ts`, 'export const nobody = 0;\n');
  return write(
    `${root}/flows/etl.ts`,
    [
      "import { flow } from 'flowdeck';",
      "import { z } from 'zod';",
      "import { readFileSync } from 'node:fs';",
      "import { twice } from '../lib/math.js';",
      "import settings from '../settings.json';",
      "export default flow({ name: 'etl', parameters: z.object({}) }, async () => twice(settings.limit) + readFileSync.length);",
      '',
    ].join('\n'),
  );
}

describe('buildBundle', () => {
  it('holds the flow file and every local file it imports, transitively, at paths relative to the root', async () => {
    const entry = project('a');
    const { hash, bundle } = await buildBundle(entry, join(dir, 'a'));
    expect(bundle.files.map((f) => f.path)).toEqual(['flows/etl.ts', 'lib/deep/util.ts', 'lib/math.ts', 'settings.json']);
    expect(Buffer.from(bundle.files[3].content, 'base64').toString()).toBe('{"limit": 3}\n');
    expect(hash).toBe(bundleHash(bundle));
  });

  it('gives the same hash for the same files wherever they are, and another when a file changes', async () => {
    const first = await buildBundle(project('a'), join(dir, 'a'));
    const second = await buildBundle(project('elsewhere/b'), join(dir, 'elsewhere/b'));
    expect(second.hash).toBe(first.hash);
    expect(second.bundle).toEqual(first.bundle);
    write('elsewhere/b/lib/deep/util.ts', 'export const twice = (n: number) => n + n;\n');
    expect((await buildBundle(join(dir, 'elsewhere/b/flows/etl.ts'), join(dir, 'elsewhere/b'))).hash).not.toBe(first.hash);
  });

  it('refuses a local import outside the root, naming the file that imports it', async () => {
    const entry = project('a');
    const error = await buildBundle(entry, join(dir, 'a', 'flows')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toBe(
      `${entry} imports ${join(dir, 'a/lib/math.ts')}, which is outside the project root ${join(dir, 'a', 'flows')}; ` +
        'a deployment carries only files inside its project: move the file into the project, or make it a package',
    );
  });

  it('says which import cannot be found', async () => {
    const entry = write('a/flows/broken.ts', "import { gone } from './gone.js';\nexport default gone;\n");
    const error = await buildBundle(entry, join(dir, 'a')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toContain(`cannot gather the files ${entry} imports:`);
    expect((error as Error).message).toContain('./gone.js');
  });
});
