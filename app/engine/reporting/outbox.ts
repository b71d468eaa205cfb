import { closeSync, ftruncateSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { newId } from '../../core/ids.js';

/** A batch written to the outbox and not yet acknowledged by the server. */
export interface OutboxBatch {
  seq: number;
  /** The report exactly as it is sent: JSON of `{ operations, logs }`. */
  body: string;
}

interface Header {
  server: string;
}

/** A journal with nothing owed is started over once it grows past this. */
const RESTART_SIZE = 1 << 20;
const FILE_PATTERN = /^(\d+)-([\w-]+)\.jsonl$/;

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The batches of a journal that were written but never acknowledged, in the order written. */
export function unacknowledged(text: string): { server: string | null; batches: OutboxBatch[] } {
  let server: string | null = null;
  const batches = new Map<number, string>();
  for (const line of text.split('\n')) {
    if (!line) continue;
    let entry: { server?: string; seq?: number; report?: unknown; ack?: number };
    try {
      entry = JSON.parse(line) as typeof entry;
    } catch {
      // The last line of a process killed mid-write; everything before it is whole.
      continue;
    }
    if (typeof entry.server === 'string') server = entry.server;
    else if (typeof entry.ack === 'number') batches.delete(entry.ack);
    else if (typeof entry.seq === 'number' && entry.report !== undefined) batches.set(entry.seq, JSON.stringify(entry.report));
  }
  return { server, batches: [...batches].map(([seq, body]) => ({ seq, body })) };
}

/**
 * A flow process's journal of reports to a server, one file per process under
 * `$FLOWDECK_HOME/outbox`. Every batch is appended before it is sent and acknowledged once the
 * server has stored it, so a batch the server never stored survives the server's restart and the
 * process's own death: the next reporter to the same server delivers it. Appends go to the page
 * cache without fsync, which survives a killed process, as the store's WAL does.
 */
export class Outbox {
  readonly path: string;
  private fd = -1;
  private unacked = 0;
  /** Acknowledgements not yet written: they go with the next append, one write instead of two. */
  private acks = '';
  private size = 0;
  private readonly headerLine: string;

  private constructor(
    private readonly dir: string,
    readonly server: string,
  ) {
    this.path = join(dir, `${process.pid}-${newId()}.jsonl`);
    this.headerLine = `${JSON.stringify({ server } satisfies Header)}\n`;
  }

  /** The file is made with the first report, so a process that reports nothing leaves nothing. */
  private file(): number {
    if (this.fd === -1) {
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      // Appending: after the file is started over, writes land at its new end.
      this.fd = openSync(this.path, 'a', 0o600);
      this.acks = this.headerLine;
    }
    return this.fd;
  }

  static open(dir: string, server: string): Outbox {
    return new Outbox(dir, server);
  }

  get pending(): number {
    return this.unacked;
  }

  append(seq: number, body: string): void {
    const fd = this.file();
    if (this.unacked === 0 && this.size > RESTART_SIZE) {
      // Nothing owed: start the file over rather than let it grow for the whole run.
      ftruncateSync(fd, 0);
      this.acks = this.headerLine;
      this.size = 0;
    }
    const text = `${this.acks}{"seq":${seq},"report":${body}}\n`;
    this.acks = '';
    this.size += writeSync(fd, text);
    this.unacked++;
  }

  /**
   * The server has stored the batch. The note is written with the next append: a process that
   * dies before then has the batch sent again, which the server recognises by its ids.
   */
  ack(seq: number): void {
    this.unacked--;
    this.acks += `{"ack":${seq}}\n`;
  }

  /** Removes the file when nothing is owed; otherwise leaves it for a later reporter. */
  close(): { kept: boolean } {
    if (this.fd === -1) return { kept: false };
    closeSync(this.fd);
    this.fd = -1;
    if (this.unacked > 0) return { kept: true };
    try {
      unlinkSync(this.path);
    } catch {
      // Already gone: nothing to keep.
    }
    return { kept: false };
  }

  /**
   * Takes over the journals that processes now dead left for this server, returning their unsent
   * batches. A journal is claimed by renaming it to this process's id, so two reporters never
   * deliver the same one, and a claimer that dies in turn leaves it for the next.
   */
  static claimLeftovers(dir: string, server: string): { path: string; batches: OutboxBatch[] }[] {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return [];
    }
    const claimed: { path: string; batches: OutboxBatch[] }[] = [];
    for (const name of names) {
      const match = FILE_PATTERN.exec(name);
      if (!match) continue;
      const pid = Number(match[1]);
      if (pid === process.pid || processIsAlive(pid)) continue;
      const mine = join(dir, `${process.pid}-${match[2]}.jsonl`);
      try {
        renameSync(join(dir, name), mine);
      } catch {
        continue; // another process claimed it first
      }
      let journal: ReturnType<typeof unacknowledged>;
      try {
        journal = unacknowledged(readFileSync(mine, 'utf8'));
      } catch {
        continue;
      }
      if (journal.batches.length === 0) {
        unlinkSync(mine);
        continue;
      }
      if (journal.server !== server) {
        // Another server's: hand it back under a name no living process owns.
        renameSync(mine, join(dir, name));
        continue;
      }
      claimed.push({ path: mine, batches: journal.batches });
    }
    return claimed;
  }
}
