import { closeSync, fstatSync, mkdirSync, openSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import { RESULTS_FOLDER } from '../core/settings/home.js';
import { journalRef, parseJournalRef } from '../core/reuse.js';

/** Where a flow run's recorded results go, relative to FLOWDECK_HOME. */
export function journalFileOf(flowRunId: string): string {
  return `${RESULTS_FOLDER}/runs/${flowRunId}.results`;
}

/** What one entry holds: the result, and the code of the task that computed it. */
export interface JournalEntry {
  value: unknown;
  /** A hash of the task function's source, so a re-run can tell that its code changed since. */
  code: string;
}

/**
 * The results of one flow run's task runs, appended to one file as each run completes, in V8's
 * serialization so a reused result is the very value that was recorded (Dates, Maps, BigInts
 * included). Each is written before its Completed state is proposed, so a state that names a
 * result never outlives the bytes it names, even when the process is killed.
 */
export class ResultJournal {
  private fd: number | null = null;
  private size = 0;
  private failed = false;
  readonly file: string;

  constructor(
    private readonly home: string,
    flowRunId: string,
  ) {
    this.file = journalFileOf(flowRunId);
  }

  /**
   * Records a result and returns its ref; null when the value cannot be serialized (a function,
   * a class with native state) or the file cannot be written, and the task then runs again on a
   * retry. `unwritable` hears why, once per journal, for a file that cannot be written.
   */
  append(value: unknown, code: string, unwritable: (reason: string) => void): string | null {
    if (this.failed) return null;
    let data: Buffer;
    try {
      data = serialize({ value, code } satisfies JournalEntry);
    } catch {
      return null;
    }
    try {
      const fd = this.open();
      const offset = this.size;
      let written = 0;
      while (written < data.length) written += writeSync(fd, data, written, data.length - written);
      this.size += data.length;
      return journalRef({ file: this.file, offset, length: data.length });
    } catch (error) {
      this.failed = true;
      unwritable((error as Error).message);
      return null;
    }
  }

  private open(): number {
    if (this.fd !== null) return this.fd;
    // Results are the user's data: readable by the user alone, as the rest of FLOWDECK_HOME.
    mkdirSync(join(this.home, RESULTS_FOLDER, 'runs'), { recursive: true, mode: 0o700 });
    const fd = openSync(join(this.home, this.file), 'a', 0o600);
    // A retried run appends after what its earlier attempts wrote.
    this.size = fstatSync(fd).size;
    this.fd = fd;
    return fd;
  }

  close(): void {
    if (this.fd === null) return;
    closeSync(this.fd);
    this.fd = null;
  }
}

/** Why a recorded result cannot be read back. */
export class UnreadableResultError extends Error {
  constructor(
    message: string,
    /** The file is not on this machine at all, as opposed to being cut short. */
    readonly missing: boolean,
  ) {
    super(message);
    this.name = 'UnreadableResultError';
  }
}

/**
 * Reads recorded results, keeping each file it has opened until closed: a re-run of a large run
 * reads thousands of entries from one file.
 */
export class JournalReader {
  private readonly files = new Map<string, number>();

  constructor(private readonly home: string) {}

  read(ref: string): JournalEntry {
    const at = parseJournalRef(ref);
    if (!at) throw new UnreadableResultError(`'${ref}' is not a recorded result`, false);
    let fd = this.files.get(at.file);
    if (fd === undefined) {
      try {
        fd = openSync(join(this.home, at.file), 'r');
      } catch (error) {
        const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
        throw new UnreadableResultError(`${at.file} cannot be opened: ${(error as Error).message}`, missing);
      }
      this.files.set(at.file, fd);
    }
    const data = Buffer.allocUnsafe(at.length);
    const read = readSync(fd, data, 0, at.length, at.offset);
    if (read !== at.length) throw new UnreadableResultError(`${at.file} ends before the result at ${at.offset}`, false);
    try {
      return deserialize(data) as JournalEntry;
    } catch (error) {
      throw new UnreadableResultError(`the result at ${at.offset} in ${at.file} cannot be read: ${(error as Error).message}`, false);
    }
  }

  close(): void {
    for (const fd of this.files.values()) closeSync(fd);
    this.files.clear();
  }
}
