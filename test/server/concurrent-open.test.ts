// Processes that open a database that does not exist yet, all at the same moment (a team's first
// `flowdeck run`s, or several workers starting): each gets a working store. SQLite answers all but
// one of them BUSY at once while the file is switched to WAL and its tables are created.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { openTestStore } from '../helpers/store-factory.js';

const OPENER = fileURLToPath(new URL('../fixtures/store-opener.mjs', import.meta.url));
const PROCESSES = 8;
const ROUNDS = 4;

function open(dbPath: string): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [OPENER, dbPath], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stderr }));
  });
}

it('opens a new database from many processes at once, every one of them', async () => {
  for (let round = 0; round < ROUNDS; round++) {
    const folder = mkdtempSync(join(tmpdir(), 'flowdeck-open-'));
    try {
      const dbPath = join(folder, 'flowdeck.db');
      const outcomes = await Promise.all(Array.from({ length: PROCESSES }, () => open(dbPath)));
      expect(outcomes.filter((o) => o.code !== 0)).toEqual([]);
      const store = await openTestStore({ path: dbPath });
      expect(await store.listFlowRuns()).toEqual([]);
      await store.close();
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  }
});
