// What the CLI loads before it knows which command runs, read from the source's static imports:
// every module there is paid for by every command, `flowdeck --help` included.
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

/** `import ... from`, `export ... from` and `import '...'`; not `import(...)`, not type-only imports, which vanish when compiled. */
const STATIC_IMPORT = /^\s*(?:import|export)\s+(type\s)?[^'";()=]*?\sfrom\s*['"]([^'"]+)['"]|^\s*import\s*['"]([^'"]+)['"]/gm;

function staticImportsOf(source: string): string[] {
  return [...source.matchAll(STATIC_IMPORT)].filter((m) => m[1] === undefined).map((m) => m[2] ?? m[3]);
}

/** Every app module and every package that loading `entry` loads before any of its code runs. */
function staticGraph(entry: string): { modules: string[]; packages: string[] } {
  const modules = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (modules.has(file)) return;
    modules.add(file);
    for (const specifier of staticImportsOf(readFileSync(file, 'utf8'))) {
      if (specifier.startsWith('.')) visit(resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
      else if (!specifier.startsWith('node:'))
        packages.add(specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]);
    }
  };
  visit(resolve(ROOT, entry));
  return { modules: [...modules].map((m) => relative(ROOT, m)).sort(), packages: [...packages].sort() };
}

describe('the CLI at start-up', () => {
  it('reads static imports only, and not type-only ones', () => {
    const source = [
      "import { a } from './a.js';",
      "import type { B } from './b.js';",
      "export { c } from './c.js';",
      "export type { D } from './d.js';",
      "const e = await import('./e.js');",
      "import './f.js';",
      "import pc from 'picocolors';",
    ].join('\n');
    expect(staticImportsOf(source)).toEqual(['./a.js', './c.js', './f.js', 'picocolors']);
  });

  it('loads no command, no settings, no store, no server and no API schemas before a command is chosen', () => {
    const { modules, packages } = staticGraph('app/cli/main.ts');
    expect(modules.filter((m) => m.startsWith('app/cli/commands/') && !/\/(index|defaults)\.ts$/.test(m))).toEqual([]);
    expect(modules.filter((m) => m.startsWith('app/cli/settings/') || m.startsWith('app/engine/'))).toEqual([]);
    // The server layer's error class is all of it the CLI needs before a command runs.
    expect(modules.filter((m) => m.startsWith('app/server/') && m !== 'app/server/store/store-error.ts')).toEqual([]);
    expect(modules.filter((m) => m.startsWith('app/core/api/') && m !== 'app/core/api/version.ts')).toEqual([]);
    expect(packages).toEqual(['picocolors']);
  });

  it('runs a flow without loading the HTTP server, Fastify or the TypeScript compiler', () => {
    const { modules, packages } = staticGraph('app/cli/commands/run.ts');
    expect(modules.filter((m) => m.startsWith('app/server/http/'))).toEqual([]);
    expect(packages.filter((p) => p.includes('fastify') || p === 'typescript')).toEqual([]);
  });
});
