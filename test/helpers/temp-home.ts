import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh FLOWDECK_HOME for one test, removed afterwards. */
export function makeTempHome(): { home: string; dbPath: string; cleanup: () => void } {
  const home = mkdtempSync(join(tmpdir(), 'flowdeck-test-'));
  return {
    home,
    dbPath: join(home, 'flowdeck.db'),
    cleanup: () => rmSync(home, { recursive: true, force: true }),
  };
}
