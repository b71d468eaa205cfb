// Bundles the `flowdeck` command into dist/cli: a few files Node loads faster than the hundreds tsc
// writes. Splitting keeps each command's lazy `import()` its own chunk, so a command still loads
// only its own code. Small JavaScript packages go inside (better-sqlite3's JavaScript too, not its
// compiled addon); heavy ones and native code stay outside.
//
// Every file lands in the one folder, so code that finds files beside itself (`import.meta.url`)
// finds them beside its chunk: the flow-file hooks (hooks.js), the thread runner's worker
// (thread-worker.js), and the engine's public modules, which flow files import as `flowdeck` and
// `flowdeck/tasks` and which must be the very modules the CLI runs (flowdeck.js, flowdeck-tasks.js),
// as must the zod a flow file without its own gets (zod.js). FLOWDECK_BUNDLE tells the loader so.
import { build } from 'esbuild';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

export const CLI_OUTDIR = 'dist/cli';

/**
 * Bundled in: JavaScript that most commands load (better-sqlite3's, not its compiled addon). The
 * other dependencies stay outside.
 */
const INSIDE = new Set(['zod', 'smol-toml', 'picocolors', 'fastify-type-provider-zod', 'better-sqlite3']);

/**
 * better-sqlite3 finds its compiled addon with the `bindings` package, which looks beside the file
 * that calls it: inside the bundle that is dist/cli. This stands in for it and loads the addon from
 * better-sqlite3's own folder in node_modules, where its install builds it.
 */
const addonFromPackage = {
  name: 'better-sqlite3-addon',
  setup(b) {
    b.onResolve({ filter: /^bindings$/ }, () => ({ path: 'bindings', namespace: 'better-sqlite3-addon' }));
    b.onLoad({ filter: /.*/, namespace: 'better-sqlite3-addon' }, () => ({
      loader: 'js',
      contents: `const { dirname, join } = require('node:path');
module.exports = (file) => require(join(dirname(require.resolve('better-sqlite3/package.json')), 'build', 'Release', file));`,
    }));
  },
};

/** The entries, by the file each becomes; the loader names these files (app/engine/loader/register.ts). */
const ENTRIES = [
  { in: 'app/cli/main.ts', out: 'main' },
  { in: 'app/engine/index.ts', out: 'flowdeck' },
  { in: 'app/engine/tasks/index.ts', out: 'flowdeck-tasks' },
  { in: 'app/engine/loader/hooks.ts', out: 'hooks' },
  { in: 'app/engine/task-runners/thread-worker.ts', out: 'thread-worker' },
  { in: 'zod', out: 'zod' },
];

function externalPackages() {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const names = Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies });
  // A package's subpaths (`@fastify/swagger/...`, `pg/lib/...`) stay outside with it.
  return names.filter((name) => !INSIDE.has(name)).flatMap((name) => [name, `${name}/*`]);
}

/** Writes the bundle into `outdir` (emptied first); resolves with esbuild's metafile. */
export async function buildCli({ outdir = CLI_OUTDIR, write = true } = {}) {
  if (write) rmSync(join(root, outdir), { recursive: true, force: true });
  const result = await build({
    absWorkingDir: root,
    entryPoints: ENTRIES,
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: externalPackages(),
    define: { FLOWDECK_BUNDLE: 'true' },
    plugins: [addonFromPackage],
    // Packages bundled as CommonJS call require() for Node's own modules.
    banner: { js: "import { createRequire as __flowdeckRequire } from 'node:module'; const require = __flowdeckRequire(import.meta.url);" },
    metafile: true,
    write,
    logLevel: 'warning',
  });
  if (write) {
    const missing = ENTRIES.map((entry) => join(root, outdir, `${entry.out}.js`)).filter((file) => !existsSync(file));
    if (missing.length > 0) throw new Error(`the CLI bundle lacks ${missing.join(', ')}`);
  }
  return result.metafile;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await buildCli();
}
