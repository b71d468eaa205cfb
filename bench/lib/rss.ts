/** The resident set size of another live process, as the kernel reports it. */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';

/** In KiB: VmRSS from /proc/PID/status on Linux, else `ps -o rss=` (macOS and others). */
export async function residentSetKb(pid: number): Promise<number> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
    if (match) return Number(match[1]);
  } catch {
    // No procfs here: ask ps.
  }
  const { stdout } = await promisify(execFile)('ps', ['-o', 'rss=', '-p', String(pid)]);
  const kb = Number(stdout.trim());
  if (!Number.isFinite(kb) || kb <= 0) throw new Error(`could not read the memory of process ${pid}`);
  return kb;
}
