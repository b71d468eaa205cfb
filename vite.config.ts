import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import { FLOWDECK_VERSION } from './app/core/api/version.js';

const ROOT = fileURLToPath(new URL('.', import.meta.url));
const DIST_APP = join(ROOT, 'dist', 'app');
const SDK_TYPES_ID = 'virtual:flowdeck-sdk-types';

function declarationFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return declarationFiles(path);
    return entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/**
 * The declarations of the SDK (`flowdeck`, `flowdeck/tasks`) as tsc emitted them, so the editor
 * checks flow code against the real exports. They are laid out as an installed package would be,
 * which is how Monaco's TypeScript worker resolves a bare import.
 */
function sdkTypes(): Plugin {
  const resolvedId = `\0${SDK_TYPES_ID}`;
  return {
    name: 'flowdeck-sdk-types',
    resolveId(id) {
      return id === SDK_TYPES_ID ? resolvedId : null;
    },
    load(id) {
      if (id !== resolvedId) return null;
      const files = [...declarationFiles(join(DIST_APP, 'engine')), ...declarationFiles(join(DIST_APP, 'core'))];
      if (!files.some((file) => file.endsWith(`${sep}engine${sep}index.d.ts`))) {
        this.error(`no SDK declarations under ${DIST_APP}; run 'tsc -p tsconfig.json' before building the renderer`);
      }
      const base = 'file:///node_modules/flowdeck';
      const libs = files.map((file) => {
        this.addWatchFile(file);
        return { filePath: `${base}/dist/app/${relative(DIST_APP, file).split(sep).join('/')}`, content: readFileSync(file, 'utf8') };
      });
      libs.push(
        { filePath: `${base}/package.json`, content: JSON.stringify({ name: 'flowdeck', types: './dist/app/engine/index.d.ts' }) },
        { filePath: `${base}/tasks.d.ts`, content: "export * from './dist/app/engine/tasks/index.js';\n" },
      );
      return `export const sdkTypeLibs = ${JSON.stringify(libs)};\n`;
    },
  };
}

/** Says which server this page belongs to for people without JavaScript, and for simple probes. */
function versionInPage(): Plugin {
  return {
    name: 'flowdeck-version',
    transformIndexHtml(html) {
      return html.replaceAll('%FLOWDECK_VERSION%', FLOWDECK_VERSION);
    },
  };
}

/**
 * Only what the UI needs: its own scripts and workers (Monaco's run from files, hence
 * worker-src), inline styles (Monaco and React Flow set them), and the API, which in Electron may
 * be another origin. Added to the build only, since the dev server injects inline scripts.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "worker-src 'self' blob:",
  "connect-src 'self' ws: wss: http: https:",
].join('; ');

function contentSecurityPolicy(): Plugin {
  return {
    name: 'flowdeck-csp',
    apply: 'build',
    transformIndexHtml() {
      return [{ tag: 'meta', attrs: { 'http-equiv': 'Content-Security-Policy', content: CONTENT_SECURITY_POLICY }, injectTo: 'head' }];
    },
  };
}

export default defineConfig({
  root: resolve(ROOT, 'app/renderer'),
  base: './',
  plugins: [react(), sdkTypes(), versionInPage(), contentSecurityPolicy()],
  build: {
    outDir: resolve(ROOT, 'dist/renderer'),
    emptyOutDir: true,
    // Monaco and its TypeScript worker are large by nature; they load once and are cached.
    chunkSizeWarningLimit: 8000,
    reportCompressedSize: false,
  },
  worker: { format: 'es' },
  server: {
    proxy: {
      '/api': { target: process.env.FLOWDECK_DEV_API ?? 'http://127.0.0.1:4300', ws: true },
    },
  },
});
