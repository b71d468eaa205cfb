// A small tmpfs that a test mounts, fills to the last byte, and grows again when "space returns":
// a real full disk under a real SQLite file.
import { execFileSync } from 'node:child_process';
import { closeSync, ftruncateSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SmallDisk {
  /** Where the tmpfs is mounted. */
  readonly dir: string;
  /** Writes a file until the disk has no byte left, or only `leave` bytes (whole pages). */
  fill(leave?: number): void;
  /** Gives the tmpfs a new size: remounted, with everything on it kept. */
  resize(bytes: number): void;
  /** Unmounts it and removes the folder. */
  cleanup(): void;
}

function mount(args: string[]): void {
  execFileSync('mount', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/**
 * Mounts a tmpfs of `bytes` at a fresh folder. Returns why it cannot, as a sentence, where this
 * machine does not allow it (mounting needs root, or CAP_SYS_ADMIN in a container).
 */
export function mountSmallDisk(bytes: number): SmallDisk | { unavailable: string } {
  const dir = mkdtempSync(join(tmpdir(), 'flowdeck-disk-'));
  try {
    mount(['-t', 'tmpfs', '-o', `size=${bytes}`, 'tmpfs', dir]);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    const said = String((error as { stderr?: Buffer }).stderr ?? (error as Error).message).trim();
    return { unavailable: `mounting a tmpfs is not allowed here (mount -t tmpfs: ${said}); the full-disk tests need it` };
  }
  let filler = 0;
  return {
    dir,
    fill(leave = 0) {
      const fd = openSync(join(dir, `filler-${filler++}`), 'w');
      try {
        // Big pieces first, down to single bytes: tmpfs hands out space a page at a time.
        let written = 0;
        for (const size of [1 << 20, 1 << 12, 1]) {
          const chunk = Buffer.alloc(size);
          for (;;) {
            try {
              written += writeSync(fd, chunk);
            } catch (error) {
              if ((error as NodeJS.ErrnoException).code === 'ENOSPC') break;
              throw error;
            }
          }
        }
        if (leave > 0) ftruncateSync(fd, Math.max(0, written - leave));
      } finally {
        closeSync(fd);
      }
    },
    resize(size) {
      mount(['-o', `remount,size=${size}`, dir]);
    },
    cleanup() {
      try {
        execFileSync('umount', [dir], { stdio: 'ignore' });
      } catch {
        // Still busy (a process being killed holds a file): detach it now, freed once it lets go.
        execFileSync('umount', ['-l', dir], { stdio: 'ignore' });
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
