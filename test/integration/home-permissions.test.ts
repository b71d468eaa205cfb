// FLOWDECK_HOME holds the user's runs, logs, results and profiles (keys among them): whatever
// Flowdeck creates there is readable by the user alone, whatever the umask.
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { example, runCli, showOutput } from '../helpers/cli.js';

/** Every file and folder below the path, with its permission bits. */
function modes(root: string): { path: string; mode: number; folder: boolean }[] {
  const found: { path: string; mode: number; folder: boolean }[] = [];
  const walk = (path: string) => {
    const stats = statSync(path);
    found.push({ path: path.slice(root.length) || '/', mode: stats.mode & 0o777, folder: stats.isDirectory() });
    if (stats.isDirectory()) for (const name of readdirSync(path)) walk(join(path, name));
  };
  walk(root);
  return found;
}

describe('files Flowdeck creates in FLOWDECK_HOME', () => {
  const made: string[] = [];
  afterEach(() => {
    for (const path of made.splice(0)) rmSync(path, { recursive: true, force: true });
  });

  it('are the owner’s alone: the folder, the database with its journal files, results, profiles', async () => {
    const base = mkdtempSync(join(tmpdir(), 'flowdeck-perms-'));
    made.push(base);
    const home = join(base, 'home');
    // A cached task persists its result under storage/; profile create writes profiles.toml.
    const run = await runCli(['run', example('caching'), '--json'], { home });
    expect(run.code, showOutput(run)).toBe(0);
    const profile = await runCli(['profile', 'create', 'remote'], { home });
    expect(profile.code, showOutput(profile)).toBe(0);

    const entries = modes(home);
    const names = entries.map((entry) => entry.path);
    expect(names).toEqual(expect.arrayContaining(['/', '/flowdeck.db', '/profiles.toml']));
    expect(names.some((name) => name.startsWith('/storage/'))).toBe(true);
    for (const entry of entries) {
      expect(entry.mode & 0o077, `${entry.path} is ${entry.mode.toString(8)}`).toBe(0);
    }
  });
});
