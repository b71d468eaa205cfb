// `npm start`: the desktop app when Electron is installed; otherwise the same UI served by the
// embedded local server, for the browser. Either serves the workspace in FLOWDECK_HOME (seeded with
// the examples), or the folder last opened, unless `npm start -- --workspace DIR` names one.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DEFAULT_PORT = '4300';

/** The Electron binary, or null when the package (or the binary it downloads) is missing. */
export function findElectron(require = createRequire(import.meta.url)) {
  try {
    const binary = require('electron');
    return typeof binary === 'string' && existsSync(binary) ? binary : null;
  } catch {
    return null;
  }
}

/** The port a `--port N` among the arguments asks for, as the server will use it. */
function portOf(args) {
  const at = args.findIndex((arg) => arg === '--port' || arg.startsWith('--port='));
  if (at < 0) return DEFAULT_PORT;
  return args[at].includes('=') ? args[at].split('=')[1] : (args[at + 1] ?? DEFAULT_PORT);
}

/**
 * What to run: the command, its arguments, the folder to run it in, and a line to print first (or
 * null). It runs in the folder npm was started in, so `--workspace flows` means the folder there.
 */
export function launchPlan({ electron, root = ROOT, cwd, args = [] }) {
  if (electron) {
    return { command: electron, args: [join(root, 'dist', 'app', 'main', 'main.js'), ...args], cwd, note: null };
  }
  const port = portOf(args);
  return {
    command: process.execPath,
    args: [join(root, 'bin', 'flowdeck.js'), 'server', 'start', ...args],
    cwd,
    note: `Electron is not installed, so Flowdeck runs as a web app: open http://127.0.0.1:${port}/ in your browser (Ctrl+C stops it).`,
  };
}

/** The built parts the plan needs; a missing one is named with the command that makes it. */
export function missingBuild(plan, root = ROOT) {
  const needed = plan.note === null ? [join(root, 'dist', 'app', 'main', 'main.js')] : [join(root, 'dist', 'cli', 'main.js')];
  return needed.filter((path) => !existsSync(path));
}

async function main() {
  const args = process.argv.slice(2);
  const electron = findElectron();
  const plan = launchPlan({ electron, cwd: process.env.INIT_CWD ?? process.cwd(), args });
  const missing = missingBuild(plan);
  if (missing.length > 0) {
    process.stderr.write(`${missing.join(', ')} is missing; run 'npm run build' first\n`);
    process.exit(1);
  }
  if (electron) {
    const { buildPreload } = await import('./build-preload.mjs');
    await buildPreload();
  }
  if (plan.note) process.stdout.write(`${plan.note}\n`);
  const child = spawn(plan.command, plan.args, { cwd: plan.cwd, stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
