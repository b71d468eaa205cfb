/**
 * Peak memory of W2, measured in a child process of its own so nothing else the bench did is
 * counted: `node dist/bench/memory.js w2` runs W2 once and prints its maxRSS; `baseline` opens a
 * store and runs nothing, the floor of what any run costs.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { openEngineStore } from './lib/env.js';
import { runW2 } from './workloads/w2-map.js';

export type MemoryProbe = 'w2' | 'baseline';

export interface MemoryResult {
  probe: MemoryProbe;
  maxRssKb: number;
}

async function probe(kind: MemoryProbe): Promise<MemoryResult> {
  if (kind === 'w2') await runW2();
  else await (await openEngineStore('baseline')).dispose();
  return { probe: kind, maxRssKb: process.resourceUsage().maxRSS };
}

/** Runs one probe in a fresh Node process and reads its peak resident set size. */
export async function measureInChild(kind: MemoryProbe): Promise<MemoryResult> {
  const script = fileURLToPath(import.meta.url);
  const { stdout } = await promisify(execFile)(process.execPath, [script, kind], { maxBuffer: 1 << 20 });
  const last = stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(last) as MemoryResult;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const kind = process.argv[2];
  if (kind !== 'w2' && kind !== 'baseline') {
    process.stderr.write('usage: node dist/bench/memory.js w2|baseline\n');
    process.exit(2);
  }
  process.stdout.write(`${JSON.stringify(await probe(kind))}\n`);
}
