import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { CliContext } from '../../app/cli/context.js';
import { runCli } from '../../app/cli/main.js';
import { makeTempHome } from '../helpers/temp-home.js';
import type { CliResult } from './harness.js';

/** Runs the real CLI in a FLOWDECK_HOME with extra environment (FLOWDECK_PROFILE, settings). */
export async function cliWithEnv(home: string, env: Record<string, string>, ...argv: string[]): Promise<CliResult> {
  let out = '';
  let err = '';
  const ctx = new CliContext(
    { FLOWDECK_HOME: home, NO_COLOR: '1', ...env },
    { write: (text) => void (out += text), isTTY: false },
    { write: (text) => void (err += text), isTTY: false },
    home,
  );
  const code = await runCli(argv, ctx);
  return { code, out, err };
}

/** A fresh FLOWDECK_HOME per test, with its profiles.toml path. */
export function useSettingsHome(): { readonly home: string; readonly profilesPath: string; readonly dbPath: string; profilesText(): string } {
  let temp: ReturnType<typeof makeTempHome>;
  beforeEach(() => {
    temp = makeTempHome();
  });
  afterEach(() => temp.cleanup());
  return {
    get home() {
      return temp.home;
    },
    get profilesPath() {
      return join(temp.home, 'profiles.toml');
    },
    get dbPath() {
      return temp.dbPath;
    },
    profilesText() {
      return readFileSync(join(temp.home, 'profiles.toml'), 'utf8');
    },
  };
}

/** Rows of a table as arrays of cells (cells are separated by two or more spaces). */
export function tableRows(text: string): string[][] {
  return text
    .trimEnd()
    .split('\n')
    .map((line) => line.trim().split(/\s{2,}/));
}
