// `block create` without --data and `secret set` at a real terminal (a pseudo-terminal made by
// util-linux `script`): each field is asked for, secret ones without echo, and nothing typed for a
// secret shows on the screen.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { Blocks, EncryptionKeySource, openStore } from '../../app/server/index.js';
import { CLI_PATH, useCliHome, waitUntil } from '../helpers/cli.js';

const home = useCliHome();

/** Runs `flowdeck ARGS` at a terminal, typing each answer once its question shows. */
async function atTerminal(args: string[], answers: { after: string; type: string }[]): Promise<{ code: number | null; screen: string }> {
  const command = [process.execPath, CLI_PATH, ...args].map((word) => `'${word}'`).join(' ');
  const child = spawn('script', ['-qec', command, '/dev/null'], {
    env: { ...process.env, FLOWDECK_HOME: home.home, NO_COLOR: '1' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let screen = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (screen += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
  let seen = 0;
  for (const answer of answers) {
    await waitUntil(() => screen.indexOf(answer.after, seen) !== -1, { what: `the question '${answer.after}'` });
    seen = screen.indexOf(answer.after, seen) + answer.after.length;
    child.stdin.write(`${answer.type}\r`);
  }
  const code = await exited;
  return { code, screen };
}

async function loadLocally(type: string, name: string): Promise<Record<string, unknown>> {
  const store = await openStore({ kind: 'sqlite', path: home.dbPath });
  try {
    return (await new Blocks(store, new EncryptionKeySource({ setting: null, home: home.home })).load(type, name, null)).data;
  } finally {
    await store.close();
  }
}

describe('block prompts at a terminal', () => {
  it('ask for each field of the type, secret ones without echo', async () => {
    const typed = 'typed-pa55word-unseen';
    const made = await atTerminal(
      ['block', 'create', 'sql-connection/warehouse'],
      [
        { after: 'url - The connection URL without its password: ', type: 'postgres://ada@db/app' },
        { after: 'password - The password, kept apart from the URL (optional): ', type: typed },
      ],
    );
    expect(made.code, made.screen).toBe(0);
    expect(made.screen).toContain('Created block sql-connection/warehouse (secret fields encrypted: password)');
    expect(made.screen).toContain('postgres://ada@db/app');
    expect(made.screen).not.toContain(typed);
    expect(await loadLocally('sql-connection', 'warehouse')).toEqual({ url: 'postgres://ada@db/app', password: typed });
  });

  it('ask for a secret value without echo', async () => {
    const typed = 'typed-secret-unseen';
    const set = await atTerminal(['secret', 'set', 'api-token'], [{ after: 'Value of secret api-token: ', type: typed }]);
    expect(set.code, set.screen).toBe(0);
    expect(set.screen).toContain('Created secret api-token.');
    expect(set.screen).not.toContain(typed);
    expect(await loadLocally('secret', 'api-token')).toEqual({ value: typed });
  });
});
