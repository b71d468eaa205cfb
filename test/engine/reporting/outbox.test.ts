import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Outbox, unacknowledged } from '../../../app/engine/reporting/index.js';
import { makeTempHome } from '../../helpers/temp-home.js';

let temp: ReturnType<typeof makeTempHome>;
let dir: string;
beforeEach(() => {
  temp = makeTempHome();
  dir = join(temp.home, 'outbox');
});
afterEach(() => temp.cleanup());

async function exitedPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid!;
}

/** Renames a journal as if the process that wrote it had died. */
async function orphan(path: string): Promise<string> {
  const dead = join(dir, basename(path).replace(/^\d+-/, `${await exitedPid()}-`));
  renameSync(path, dead);
  return dead;
}

describe('Outbox', () => {
  it('makes no file until something is reported, and removes it when nothing is owed', () => {
    const outbox = Outbox.open(dir, 'http://a/api');
    expect(existsSync(outbox.path)).toBe(false);
    outbox.append(1, '{"operations":[],"logs":[]}');
    expect(existsSync(outbox.path)).toBe(true);
    outbox.ack(1);
    expect(outbox.close()).toEqual({ kept: false });
    expect(existsSync(outbox.path)).toBe(false);
  });

  it('keeps the unacknowledged batches, in order, with acknowledgements written along with the next batch', () => {
    const outbox = Outbox.open(dir, 'http://a/api');
    outbox.append(1, '{"operations":[1],"logs":[]}');
    outbox.append(2, '{"operations":[2],"logs":[]}');
    outbox.ack(1);
    outbox.append(3, '{"operations":[3],"logs":[]}');
    expect(outbox.pending).toBe(2);
    expect(outbox.close()).toEqual({ kept: true });
    const journal = unacknowledged(readFileSync(outbox.path, 'utf8'));
    expect(journal.server).toBe('http://a/api');
    expect(journal.batches.map((b) => [b.seq, JSON.parse(b.body).operations[0]])).toEqual([
      [2, 2],
      [3, 3],
    ]);
  });

  it('reads past a last line cut short by a killed process', () => {
    const text = '{"server":"s"}\n{"seq":1,"report":{"operations":[],"logs":[]}}\n{"seq":2,"report":{"operat';
    expect(unacknowledged(text).batches.map((b) => b.seq)).toEqual([1]);
  });

  it("hands a dead process's journal for this server to one claimer, and leaves other servers' and living processes' alone", async () => {
    const mine = Outbox.open(dir, 'http://a/api');
    mine.append(1, '{"operations":[],"logs":[{"m":1}]}');
    mine.close();
    const theirs = Outbox.open(dir, 'http://b/api');
    theirs.append(1, '{"operations":[],"logs":[{"m":2}]}');
    theirs.close();
    const living = Outbox.open(dir, 'http://a/api');
    living.append(1, '{"operations":[],"logs":[{"m":3}]}');
    const deadMine = await orphan(mine.path);
    const deadTheirs = await orphan(theirs.path);

    const claimed = Outbox.claimLeftovers(dir, 'http://a/api');
    expect(claimed).toHaveLength(1);
    expect(JSON.parse(claimed[0].batches[0].body).logs).toEqual([{ m: 1 }]);
    expect(basename(claimed[0].path).startsWith(`${process.pid}-`)).toBe(true);
    // Claimed once: a second look finds nothing more for this server.
    expect(Outbox.claimLeftovers(dir, 'http://a/api')).toEqual([]);
    expect(existsSync(deadMine)).toBe(false);
    expect(existsSync(deadTheirs)).toBe(true);
    expect(existsSync(living.path)).toBe(true);
    living.close();
  });

  it("throws away a dead process's journal that owes nothing", async () => {
    const outbox = Outbox.open(dir, 'http://a/api');
    outbox.append(1, '{"operations":[],"logs":[]}');
    outbox.close();
    appendFileSync(outbox.path, '{"ack":1}\n');
    await orphan(outbox.path);
    writeFileSync(join(dir, 'notes.txt'), 'not a journal');
    expect(Outbox.claimLeftovers(dir, 'http://a/api')).toEqual([]);
    expect(readdirSync(dir)).toEqual(['notes.txt']);
  });
});
