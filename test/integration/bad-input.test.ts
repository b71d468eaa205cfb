// Bad input, given to the real CLI: exit code 2, a message that says what was wrong, no stack
// trace, and nothing recorded.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes, randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countFlowRuns, example, killStrayProcesses, runCli, showOutput, type CliResult } from '../helpers/cli.js';
import { makeTempHome } from '../helpers/temp-home.js';

type TempHome = ReturnType<typeof makeTempHome>;
const homes: TempHome[] = [];
function newHome(): TempHome {
  const home = makeTempHome();
  homes.push(home);
  return home;
}

/** Flow files written per run, outside the repository. */
let files: string;

beforeAll(() => {
  files = realpathSync(mkdtempSync(join(tmpdir(), 'flowdeck-bad-input-')));
  writeFileSync(
    join(files, 'syntax-error.ts'),
    [
      "import { flow } from 'flowdeck';",
      '',
      "export default flow({ name: 'broken' }, async () => {",
      '  const total = 1 +;',
      '  return total;',
      '});',
      '',
    ].join('\n'),
  );
  writeFileSync(join(files, 'no-flow.ts'), 'export const answer = 42;\n');
  writeFileSync(
    join(files, 'two-flows.ts'),
    [
      "import { flow } from 'flowdeck';",
      "export const alpha = flow({ name: 'alpha' }, async () => 1);",
      "export const beta = flow({ name: 'beta' }, async () => 2);",
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(files, 'throws-on-load.ts'),
    [
      "import { flow } from 'flowdeck';",
      '',
      "const settings = JSON.parse('{ not json');",
      '',
      "export default flow({ name: 'never' }, async () => settings);",
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(files, 'missing-import.ts'),
    [
      "import { flow } from 'flowdeck';",
      "import { helper } from './not-there.ts';",
      '',
      "export default flow({ name: 'x' }, async () => helper);",
      '',
    ].join('\n'),
  );
});

// Tests here run concurrently, so a stray process is only killed once all of them are done.
afterAll(async () => {
  await killStrayProcesses();
  for (const home of homes) home.cleanup();
  if (files) rmSync(files, { recursive: true, force: true });
});

/**
 * Runs the CLI and checks what every bad-input case shares: exit code 2, a message on stderr
 * rather than a stack trace, and no flow run in the store.
 */
async function badInput(args: readonly string[], home: TempHome = newHome(), cwd = files): Promise<CliResult> {
  const result = await runCli(args, { home: home.home, cwd });
  expect(result.code, showOutput(result)).toBe(2);
  expect(result.stderr.trim(), showOutput(result)).not.toBe('');
  expect(result.stderr, showOutput(result)).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  expect(result.stderr).not.toContain('unexpected error');
  expect(await countFlowRuns(home.dbPath)).toBe(0);
  return result;
}

describe.concurrent('flow files that cannot be run', () => {
  it('a syntax error names the file and the line', async () => {
    const { stderr } = await badInput(['run', 'syntax-error.ts']);
    expect(stderr).toContain(`${join(files, 'syntax-error.ts')}:4`);
    expect(stderr).toContain('const total = 1 +;');
  });

  it('a file that throws while it loads names the file and the error', async () => {
    const { stderr } = await badInput(['run', 'throws-on-load.ts']);
    expect(stderr).toContain(join(files, 'throws-on-load.ts'));
    expect(stderr).toContain('SyntaxError');
    expect(stderr).toContain('throws-on-load.ts:3');
  });

  it('a relative import that does not exist names the file', async () => {
    const { stderr } = await badInput(['run', 'missing-import.ts']);
    expect(stderr).toContain(join(files, 'missing-import.ts'));
    expect(stderr).toContain('not-there');
  });

  it('a file without a flow says how to write one', async () => {
    const { stderr } = await badInput(['run', 'no-flow.ts']);
    expect(stderr).toContain(join(files, 'no-flow.ts'));
    expect(stderr).toMatch(/has no flow/);
    expect(stderr).toContain('export default flow(');
  });

  it('a file with flows but no default export lists them', async () => {
    const { stderr } = await badInput(['run', 'two-flows.ts']);
    expect(stderr).toContain('--flow');
    expect(stderr).toContain("'alpha'");
    expect(stderr).toContain("'beta'");
  });

  it('--flow with a name the file does not have lists the flows it has', async () => {
    const { stderr } = await badInput(['run', 'two-flows.ts', '--flow', 'gamma']);
    expect(stderr).toContain("'gamma'");
    expect(stderr).toContain("'alpha'");
    expect(stderr).toContain("'beta'");
  });

  it('a file that does not exist is named', async () => {
    const { stderr } = await badInput(['run', 'nowhere/missing.ts']);
    expect(stderr).toContain(join(files, 'nowhere/missing.ts'));
    expect(stderr).toMatch(/no such file/i);
  });

  it('a folder is not a flow file', async () => {
    mkdirSync(join(files, 'a-folder.ts'), { recursive: true });
    const { stderr } = await badInput(['run', 'a-folder.ts']);
    expect(stderr).toContain(join(files, 'a-folder.ts'));
    expect(stderr).toContain('not a file');
  });
});

describe.concurrent('unknown commands, flags and arguments', () => {
  it('an unknown flag of run names the flag and shows the usage', async () => {
    const { stderr } = await badInput(['run', example('hello'), '--bogus']);
    expect(stderr).toContain('--bogus');
    expect(stderr).toContain('Usage: flowdeck run FILE');
  });

  it('an unknown flag of a listing names the flag', async () => {
    const { stderr } = await badInput(['flow-run', 'ls', '--wat']);
    expect(stderr).toContain('--wat');
    expect(stderr).toContain('Usage: flowdeck flow-run ls');
  });

  it('run without a file says FILE is missing', async () => {
    const { stderr } = await badInput(['run']);
    expect(stderr).toContain('FILE');
  });

  it('run with two files refuses the second', async () => {
    const { stderr } = await badInput(['run', example('hello'), example('hello')]);
    expect(stderr).toContain('unexpected argument');
  });

  it('a --param without = is refused', async () => {
    const { stderr } = await badInput(['run', example('hello'), '--param', 'times']);
    expect(stderr).toContain("'times'");
    expect(stderr).toContain('key=value');
  });

  it('an unknown command lists the commands', async () => {
    const { stderr } = await badInput(['launch', 'x.ts']);
    expect(stderr).toContain("'launch'");
    expect(stderr).toContain('flow-run ls');
  });

  it('an unknown subcommand lists the subcommands of its group', async () => {
    const { stderr } = await badInput(['flow-run', 'explode']);
    expect(stderr).toContain('explode');
    expect(stderr).toContain('flowdeck flow-run cancel');
  });
});

describe.concurrent('ids that name no run', () => {
  const cases: [string, string[]][] = [
    ['flow-run inspect', ['flow-run', 'inspect']],
    ['flow-run logs', ['flow-run', 'logs']],
    ['flow-run logs --follow', ['flow-run', 'logs', '--follow']],
    ['flow-run cancel', ['flow-run', 'cancel']],
    ['flow-run retry', ['flow-run', 'retry']],
    ['task-run inspect', ['task-run', 'inspect']],
    ['task-run ls --flow-run', ['task-run', 'ls', '--flow-run']],
  ];
  for (const [name, words] of cases) {
    it(`${name} with an unknown id exits 2 naming the id`, async () => {
      const id = randomUUID();
      const { stderr } = await badInput([...words, id]);
      expect(stderr).toContain(id);
      expect(stderr).toMatch(/no (flow|task) run/);
    });
  }

  it('an unknown id is refused in a store that has other runs too', async () => {
    const home = newHome();
    const ran = await runCli(['run', example('hello')], { home: home.home });
    expect(ran.code, showOutput(ran)).toBe(0);
    const id = randomUUID();
    for (const words of [
      ['flow-run', 'inspect'],
      ['flow-run', 'cancel'],
      ['flow-run', 'retry'],
      ['task-run', 'inspect'],
    ]) {
      const result = await runCli([...words, id], { home: home.home });
      expect(result.code, showOutput(result)).toBe(2);
      expect(result.stderr).toContain(id);
    }
    expect(await countFlowRuns(home.dbPath)).toBe(1);
  });
});

describe.concurrent('a FLOWDECK_HOME that cannot be used', () => {
  for (const args of [
    ['run', example('hello')],
    ['flow-run', 'ls'],
  ]) {
    it(`garbage in flowdeck.db: '${args.slice(0, 2).join(' ')}' exits 2 naming the file and leaves it untouched`, async () => {
      const home = newHome();
      const garbage = randomBytes(16 * 1024);
      writeFileSync(home.dbPath, garbage);
      const result = await runCli(args, { home: home.home });
      expect(result.code, showOutput(result)).toBe(2);
      expect(result.stderr).toContain(home.dbPath);
      expect(result.stderr).toMatch(/not a Flowdeck database|damaged/);
      expect(result.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
      expect(result.stdout).toBe('');
      expect(readFileSync(home.dbPath).equals(garbage)).toBe(true);
      // No journal or WAL files were made beside it either.
      expect(readdirSync(home.home)).toEqual(['flowdeck.db']);
    });
  }

  it("a SQLite database that is not Flowdeck's is refused and left as it was", async () => {
    const home = newHome();
    const other = new Database(home.dbPath);
    other.exec("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customers (name) VALUES ('Ada');");
    other.close();
    const before = readFileSync(home.dbPath);
    const result = await runCli(['run', example('hello')], { home: home.home });
    expect(result.code, showOutput(result)).toBe(2);
    expect(result.stderr).toContain(home.dbPath);
    expect(result.stderr).toContain("not one of Flowdeck's");
    expect(readFileSync(home.dbPath).equals(before)).toBe(true);
  });

  it('FLOWDECK_HOME that is a regular file exits 2 naming it, and the file is left alone', async () => {
    const home = newHome();
    const notAFolder = join(home.home, 'home-is-a-file');
    writeFileSync(notAFolder, 'just some notes\n');
    for (const args of [
      ['run', example('hello')],
      ['flow-run', 'ls'],
    ]) {
      const result = await runCli(args, { home: notAFolder });
      expect(result.code, showOutput(result)).toBe(2);
      expect(result.stderr).toContain(notAFolder);
      expect(result.stderr).toMatch(/must be a folder/i);
      expect(result.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
      expect(readFileSync(notAFolder, 'utf8')).toBe('just some notes\n');
    }
  });

  it('flowdeck.db that is a folder exits 2 naming it', async () => {
    const home = newHome();
    mkdirSync(home.dbPath);
    const result = await runCli(['run', example('hello')], { home: home.home });
    expect(result.code, showOutput(result)).toBe(2);
    expect(result.stderr).toContain(home.dbPath);
    expect(result.stderr).toContain('is a folder');
  });
});
