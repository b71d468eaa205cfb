// A copy of the small deploy project for each test, and the real `flowdeck` run in it.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach } from 'vitest';
import type { Deployment } from '../../app/core/api/index.js';
import { lastJsonLine, runCli, showOutput, type CliResult } from '../helpers/cli.js';
import { makeTempHome } from '../helpers/temp-home.js';

export const DEPLOY_PROJECT = fileURLToPath(new URL('../fixtures/deploy-project/', import.meta.url));

/** A fresh FLOWDECK_HOME and a copy of the deploy project (its flowdeck.yaml may be rewritten) for each test. */
export function useDeployProject(): { readonly home: string; readonly project: string } {
  let temp: ReturnType<typeof makeTempHome>;
  let dir: string;
  beforeEach(() => {
    temp = makeTempHome();
    dir = mkdtempSync(join(tmpdir(), 'flowdeck-deploy-'));
    cpSync(DEPLOY_PROJECT, join(dir, 'project'), { recursive: true });
  });
  afterEach(() => {
    temp.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    get home() {
      return temp.home;
    },
    get project() {
      return join(dir, 'project');
    },
  };
}

/** `flowdeck ARGS...` in `cwd`, with more environment when given. */
export function flowdeckIn(home: string, cwd: string, args: readonly string[], env: Record<string, string> = {}): Promise<CliResult> {
  return runCli(args, { home, cwd, env });
}

/** Fails with the command's output unless it exited with `code`. */
export function expectExit(result: CliResult, code: number): CliResult {
  if (result.code !== code) throw new Error(`expected exit ${code}\n${showOutput(result)}`);
  return result;
}

/** The deployments `deploy --json` printed. */
export function deployedJson(result: CliResult): Deployment[] {
  return lastJsonLine<Deployment[]>(expectExit(result, 0).stdout);
}
