// What the CLI loads before it knows which command runs, and what a command loads, read from the
// bundle `npm run build` writes (scripts/build-cli.mjs): the modules inside each file Node loads
// through static imports. Every module in the entry's files is paid for by every command,
// `flowdeck --help` included; a command's lazy `import()` is its own file, loaded when it runs.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Metafile } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/cli.js';

interface Loaded {
  /** App modules, as paths from the repository root (app/cli/main.ts). */
  modules: string[];
  /** Packages, inside the bundle or imported from outside it. */
  packages: string[];
}

function packageOf(specifier: string): string {
  return specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0];
}

/** Everything loading `output` (a file of the bundle) loads before any of its code runs. */
function staticallyLoaded(metafile: Metafile, output: string): Loaded {
  const files = new Set<string>();
  const modules = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    const { inputs, imports } = metafile.outputs[file];
    for (const input of Object.keys(inputs)) {
      const inPackage = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
      if (inPackage) packages.add(inPackage[1]);
      else modules.add(input);
    }
    for (const imported of imports) {
      if (imported.kind !== 'import-statement') continue;
      if (imported.external) {
        if (!imported.path.startsWith('node:')) packages.add(packageOf(imported.path));
      } else visit(imported.path);
    }
  };
  visit(output);
  return { modules: [...modules].sort(), packages: [...packages].sort() };
}

/** The bundle's file for an entry, or for a module that a lazy `import()` loads. */
function outputOf(metafile: Metafile, entryPoint: string): string {
  const found = Object.entries(metafile.outputs).find(([file, output]) => output.entryPoint === entryPoint && file.endsWith('.js'));
  if (!found) throw new Error(`no file of the bundle starts at ${entryPoint}`);
  return found[0];
}

let metafile: Metafile;

beforeAll(async () => {
  const { buildCli } = (await import(pathToFileURL(join(REPO_ROOT, 'scripts', 'build-cli.mjs')).href)) as {
    buildCli(options: { outdir: string; write: boolean }): Promise<Metafile>;
  };
  metafile = await buildCli({ outdir: 'dist/cli-start-up-test', write: false });
});

describe('the CLI at start-up', () => {
  it('loads no command, no settings, no store, no server and no API schemas before a command is chosen', () => {
    const { modules, packages } = staticallyLoaded(metafile, outputOf(metafile, 'app/cli/main.ts'));
    expect(modules).toContain('app/cli/main.ts');
    expect(modules.filter((m) => m.startsWith('app/cli/commands/') && !/\/(index|defaults)\.ts$/.test(m))).toEqual([]);
    expect(modules.filter((m) => m.startsWith('app/cli/settings/') || m.startsWith('app/engine/'))).toEqual([]);
    // The server layer's error class is all of it the CLI needs before a command runs.
    expect(modules.filter((m) => m.startsWith('app/server/') && m !== 'app/server/store/store-error.ts')).toEqual([]);
    expect(modules.filter((m) => m.startsWith('app/core/api/') && m !== 'app/core/api/version.ts')).toEqual([]);
    expect(packages).toEqual(['picocolors']);
  });

  it('runs a flow without loading the HTTP server, Fastify or the TypeScript compiler', () => {
    const { modules, packages } = staticallyLoaded(metafile, outputOf(metafile, 'app/cli/commands/run.ts'));
    expect(modules).toContain('app/cli/commands/run.ts');
    expect(modules.filter((m) => m.startsWith('app/server/http/'))).toEqual([]);
    expect(packages.filter((p) => p.includes('fastify') || p === 'typescript')).toEqual([]);
  });

  /** Everything a command loads: its own file, and what the CLI context loads for it when it asks for settings and runs. */
  function loadedByCommand(command: string, asks: readonly string[]): Loaded {
    const all = [command, 'app/cli/settings/load-settings.ts', 'app/cli/settings/server-target.ts', ...asks].map((entry) =>
      staticallyLoaded(metafile, outputOf(metafile, entry)),
    );
    return { modules: [...new Set(all.flatMap((l) => l.modules))].sort(), packages: [...new Set(all.flatMap((l) => l.packages))].sort() };
  }

  it('lists flow runs from the local database without zod and without the API schemas', () => {
    const { modules, packages } = loadedByCommand('app/cli/commands/flow-run-ls.ts', [
      'app/cli/runs-source/local-runs-source.ts',
      'app/server/store/open-store.ts',
    ]);
    expect(modules).toContain('app/server/store/run-reads.ts');
    expect(modules.filter((m) => m.startsWith('app/core/api/') && !/\/(version|run-id-rules|work-pool-rules|variable-rules)\.ts$/.test(m))).toEqual(
      [],
    );
    expect(packages).not.toContain('zod');
  });

  it('runs a flow file against the local database without zod and without the API schemas', () => {
    // The flow file imports the engine's entry (flowdeck.js), which the command shares.
    const { modules, packages } = loadedByCommand('app/cli/commands/run.ts', ['app/server/store/open-store.ts', 'app/engine/index.ts']);
    expect(modules).toContain('app/engine/flow-run-engine.ts');
    expect(modules.filter((m) => m.startsWith('app/core/api/') && !/\/(version|run-id-rules|work-pool-rules|variable-rules)\.ts$/.test(m))).toEqual(
      [],
    );
    expect(packages).not.toContain('zod');
  });

  it('starts the server only from its own command, in a file of its own', () => {
    const start = staticallyLoaded(metafile, outputOf(metafile, 'app/cli/commands/server-start.ts'));
    expect(start.packages).toContain('fastify');
    const main = staticallyLoaded(metafile, outputOf(metafile, 'app/cli/main.ts'));
    expect(main.packages).not.toContain('fastify');
  });
});
