// A throwaway PostgreSQL cluster for one test file: initdb in a temp folder, a server on a free
// loopback port, stopped and deleted afterwards. PostgreSQL refuses to run as root, so as root the
// cluster belongs to the `postgres` user (or `nobody`) and its programs run as that user.
import { execFile } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const POSTGRES_MISSING =
  'PostgreSQL server programs (initdb, pg_ctl) were not found under /usr/lib/postgresql/*/bin, ' +
  '/usr/local/pgsql/bin or on the PATH; install the `postgresql` package (apt-get install postgresql) ' +
  'or set FLOWDECK_TEST_POSTGRES_BIN to the folder that holds them';

export interface PostgresServer {
  port: number;
  user: string;
  password: string;
  /** A connection URL for the database (postgres by default), with the password in it. */
  url(database?: string): string;
  stop(): Promise<void>;
}

function hasServerPrograms(dir: string): boolean {
  return existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl'));
}

/** The folder of initdb and pg_ctl, the newest version first. */
export function findPostgresBin(): string | null {
  const candidates: string[] = [];
  if (process.env.FLOWDECK_TEST_POSTGRES_BIN) candidates.push(process.env.FLOWDECK_TEST_POSTGRES_BIN);
  const versions = existsSync('/usr/lib/postgresql') ? readdirSync('/usr/lib/postgresql') : [];
  versions.sort((a, b) => Number(b) - Number(a) || b.localeCompare(a));
  candidates.push(...versions.map((v) => `/usr/lib/postgresql/${v}/bin`), '/usr/local/pgsql/bin');
  candidates.push(...(process.env.PATH ?? '').split(delimiter).filter(Boolean));
  return candidates.find(hasServerPrograms) ?? null;
}

/** A loopback port nothing listens on now: taken from the system, then let go. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** How to run the cluster's programs: as ourselves, or as an unprivileged user when we are root. */
async function runner(dir: string): Promise<(program: string, args: string[]) => Promise<unknown>> {
  if (process.getuid?.() !== 0) return (program, args) => run(program, args);
  let user = 'postgres';
  let ids: { uid: number; gid: number };
  try {
    ids = { uid: Number((await run('id', ['-u', user])).stdout), gid: Number((await run('id', ['-g', user])).stdout) };
  } catch {
    user = 'nobody';
    ids = { uid: Number((await run('id', ['-u', user])).stdout), gid: Number((await run('id', ['-g', user])).stdout) };
  }
  chownSync(dir, ids.uid, ids.gid);
  for (const name of readdirSync(dir)) chownSync(join(dir, name), ids.uid, ids.gid);
  return (program, args) => run('setpriv', [`--reuid=${ids.uid}`, `--regid=${ids.gid}`, '--clear-groups', '--', program, ...args], { cwd: dir });
}

function describeFailure(error: unknown, log: string): Error {
  const output = error as { stderr?: string; stdout?: string; message?: string };
  const logText = existsSync(log) ? readFileSync(log, 'utf8').slice(-2000) : '';
  return new Error(`could not start PostgreSQL: ${output.message}\n${output.stderr ?? ''}\n${logText}`);
}

/** Starts a fresh cluster; password authentication over TCP, as a real server would ask. */
export async function startPostgres(): Promise<PostgresServer> {
  const bin = findPostgresBin();
  if (!bin) throw new Error(POSTGRES_MISSING);
  const dir = mkdtempSync(join(tmpdir(), 'flowdeck-pg-'));
  chmodSync(dir, 0o755);
  const user = 'flowdeck';
  const password = 'pg-secret-9f3k';
  const data = join(dir, 'data');
  const log = join(dir, 'server.log');
  writeFileSync(join(dir, 'pwfile'), `${password}\n`);
  const as = await runner(dir);
  const pgCtl = join(bin, 'pg_ctl');
  try {
    await as(join(bin, 'initdb'), [
      '-D',
      data,
      '-U',
      user,
      `--pwfile=${join(dir, 'pwfile')}`,
      '--auth-local=trust',
      '--auth-host=scram-sha-256',
      '-E',
      'UTF8',
      '--no-locale',
      '--no-sync',
    ]);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw describeFailure(error, log);
  }
  // The port is free when asked for, but another process may take it first: try a few.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off`;
    try {
      await as(pgCtl, ['-D', data, '-o', options, '-l', log, '-w', '-t', '60', 'start']);
    } catch (error) {
      if (attempt < 3) continue;
      rmSync(dir, { recursive: true, force: true });
      throw describeFailure(error, log);
    }
    return {
      port,
      user,
      password,
      url: (database = 'postgres') => `postgres://${user}:${password}@127.0.0.1:${port}/${database}`,
      async stop() {
        try {
          await as(pgCtl, ['-D', data, '-m', 'immediate', '-w', 'stop']);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
    };
  }
}
