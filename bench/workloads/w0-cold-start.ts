/**
 * W0: cold start. `flowdeck run` of a one-task flow file in a new process, as a user types it,
 * from the spawn to the final JSON line on stdout; `flowdeck --help` and `flowdeck flow-run ls`
 * (against an empty local store) from the spawn to the process's exit. The floors are processes
 * too: `node -e 0`, and a Node process that loads esbuild and transforms the same flow file.
 *
 * Every run gets a fresh FLOWDECK_HOME (a new database). Whatever a first run leaves there to
 * speed up the next ones (caches, never the database) is copied from a warm-up run's home into
 * each fresh one, and one run with nothing copied is reported apart as the empty-cache figure.
 */
import { spawn } from 'node:child_process';
import { cpSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cleanEnv } from '../lib/children.js';
import { makeTempHome, type TempHome } from '../lib/env.js';
import { nowMs } from '../lib/stats.js';

const CLI_PATH = fileURLToPath(new URL('../../../bin/flowdeck.js', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Measured runs of each command, after one warm-up; spawning is cheap, the machine noisy. */
export const W0_RUNS = 10;

export const ONE_TASK_FLOW = `import { flow, task } from 'flowdeck';

const double = task({ name: 'double' }, async (n: number) => n * 2);

export default flow({ name: 'one-task' }, async () => double(21));
`;

/** Nothing a cache holds: the database and its journal files. */
const DATABASE_FILE = /^flowdeck\.db/;

export interface ColdStartRound {
  /** `flowdeck run FILE --json`, spawn to the final JSON line. */
  runMs: number;
  /** `flowdeck --help`, spawn to exit. */
  helpMs: number;
  /** `flowdeck flow-run ls` of a store holding the warm-up's run, spawn to exit. */
  lsMs: number;
  /** `flowdeck flow-run ls` in a home with no database yet, which it creates; spawn to exit. */
  lsNewStoreMs: number;
  /** `node -e 0`, spawn to exit. */
  nodeMs: number;
  /** A Node process that loads esbuild and transforms the flow file, spawn to exit. */
  esbuildMs: number;
}

interface Timed {
  ms: number;
  stdout: string;
}

/**
 * Spawns `node ...args` and resolves with the milliseconds to `until`: the first stdout line that
 * is a JSON object with a flowRunId, or the exit. A non-zero exit is an error, with the output.
 */
function timeNode(args: readonly string[], env: NodeJS.ProcessEnv, until: 'json-line' | 'exit'): Promise<Timed> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    let lineAt: number | null = null;
    const start = nowMs();
    const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (until === 'json-line' && lineAt === null && /^\{"flowRunId".*\}$/m.test(stdout)) lineAt = nowMs();
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code) => {
      const ended = nowMs();
      if (code !== 0) return reject(new Error(`node ${args.join(' ')} exited with ${code}\n--- stdout\n${stdout}--- stderr\n${stderr}`));
      if (until === 'json-line' && lineAt === null) return reject(new Error(`node ${args.join(' ')} printed no JSON line\n${stdout}`));
      resolve({ ms: (lineAt ?? ended) - start, stdout });
    });
  });
}

/** What the esbuild floor runs: the CLI's own esbuild, one transform of the file, nothing else. */
function esbuildScript(file: string): string {
  return [
    `import { readFileSync } from 'node:fs';`,
    `import { transform } from ${JSON.stringify(import.meta.resolve('esbuild'))};`,
    `const out = await transform(readFileSync(${JSON.stringify(file)}, 'utf8'), { loader: 'ts', format: 'esm', target: 'node20' });`,
    `process.stdout.write(String(out.code.length));`,
  ].join('\n');
}

export interface ColdStart {
  flowFile: string;
  /** The warm-up run's home with the database left out: what each measured run starts from. */
  cacheFiles: string[];
  round(): Promise<ColdStartRound>;
  /** `flowdeck run` in a home with nothing in it, spawn to the JSON line. */
  emptyCacheRun(): Promise<number>;
  dispose(): void;
}

/** Writes the flow file and fills the cache with one warm-up run. */
export async function prepareColdStart(): Promise<ColdStart> {
  const workspace = makeTempHome('w0-flows');
  const flowFile = join(workspace.home, 'one.ts');
  writeFileSync(flowFile, ONE_TASK_FLOW);
  // The script lives in the temp folder, so it names the CLI's esbuild by its resolved URL.
  const esbuildFile = join(workspace.home, 'esbuild-floor.mjs');
  writeFileSync(esbuildFile, esbuildScript(flowFile));

  const warmUp = makeTempHome('w0-warm-up');
  const homes: TempHome[] = [workspace, warmUp];
  const envFor = (home: string) => cleanEnv({ FLOWDECK_HOME: home });
  await timeNode([CLI_PATH, 'run', flowFile, '--json'], envFor(warmUp.home), 'json-line');
  const cacheFiles = readdirSync(warmUp.home).filter((name) => !DATABASE_FILE.test(name));

  const storeFiles = readdirSync(warmUp.home).filter((name) => DATABASE_FILE.test(name));
  const warmHome = (withStore: boolean) => {
    const temp = makeTempHome('w0');
    homes.push(temp);
    for (const name of withStore ? [...cacheFiles, ...storeFiles] : cacheFiles) {
      cpSync(join(warmUp.home, name), join(temp.home, name), { recursive: true });
    }
    return temp;
  };
  const fresh = <T>(body: (temp: TempHome) => Promise<T>, withStore = false) => {
    const temp = warmHome(withStore);
    return body(temp).finally(() => temp.cleanup());
  };

  return {
    flowFile,
    cacheFiles,
    async round() {
      const runMs = await fresh(async (t) => (await timeNode([CLI_PATH, 'run', flowFile, '--json'], envFor(t.home), 'json-line')).ms);
      const helpMs = await fresh(async (t) => (await timeNode([CLI_PATH, '--help'], envFor(t.home), 'exit')).ms);
      // What a user lists: a store with runs in it, read and printed as a table.
      const lsMs = await fresh(async (t) => (await timeNode([CLI_PATH, 'flow-run', 'ls'], envFor(t.home), 'exit')).ms, true);
      const lsNewStoreMs = await fresh(async (t) => (await timeNode([CLI_PATH, 'flow-run', 'ls'], envFor(t.home), 'exit')).ms);
      const nodeMs = (await timeNode(['-e', '0'], cleanEnv(), 'exit')).ms;
      const esbuildMs = (await timeNode([esbuildFile], cleanEnv(), 'exit')).ms;
      return { runMs, helpMs, lsMs, lsNewStoreMs, nodeMs, esbuildMs };
    },
    async emptyCacheRun() {
      const temp = makeTempHome('w0-empty');
      homes.push(temp);
      try {
        return (await timeNode([CLI_PATH, 'run', flowFile, '--json'], envFor(temp.home), 'json-line')).ms;
      } finally {
        temp.cleanup();
      }
    },
    dispose() {
      for (const home of homes) home.cleanup();
    },
  };
}
