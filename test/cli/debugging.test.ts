// Debugging real runs from the command line: a `flowdeck run --break` process stops, and other
// `flowdeck` processes inspect and answer it (locally, and through a real server with an API
// key); on a terminal the run prompts instead, driven here under a pseudo-terminal.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TaskRun } from '../../app/core/index.js';
import {
  CLI_PATH,
  killStrayProcesses,
  lastJsonLine,
  readStore,
  runCli,
  showOutput,
  spawnCli,
  stateNames,
  waitUntil,
  type CliOptions,
  type CliProcess,
} from '../helpers/cli.js';
import { makeTempHome } from '../helpers/temp-home.js';

const THREE = `import { flow, task } from 'flowdeck';

const add = task({ name: 'add' }, (a: number, b: number) => a + b);
const double = task({ name: 'double' }, (x: number) => x * 2);
const show = task({ name: 'show' }, (x: number) => \`value \${x}\`);

export default flow({ name: 'three' }, async () => show(await double(await add(1, 2))));
`;

const FRAGILE = `import { flow, task } from 'flowdeck';

const half = task({ name: 'half' }, (x: number) => {
  if (x % 2 !== 0) throw new Error(\`\${x} is odd\`);
  return x / 2;
});

export default flow({ name: 'fragile' }, async () => half(7));
`;

// Its first task waits for a file the test writes, so the test knows it is still running.
const GATED = `import { existsSync } from 'node:fs';
import { flow, task } from 'flowdeck';

const gate = task({ name: 'gate' }, async (path: string) => {
  while (!existsSync(path)) await new Promise((resolve) => setTimeout(resolve, 20));
  return 1;
});
const after = task({ name: 'after' }, (x: number) => x + 1);

export default flow({ name: 'gated' }, async (params: { path: string }) => after(await gate(params.path)));
`;

let files: string;
let clientHome: ReturnType<typeof makeTempHome>;
let serverHome: ReturnType<typeof makeTempHome>;
beforeEach(() => {
  files = mkdtempSync(join(tmpdir(), 'flowdeck-debug-flows-'));
  writeFileSync(join(files, 'three.ts'), THREE);
  writeFileSync(join(files, 'fragile.ts'), FRAGILE);
  writeFileSync(join(files, 'gated.ts'), GATED);
  clientHome = makeTempHome();
  serverHome = makeTempHome();
});
afterEach(async () => {
  await killStrayProcesses();
  rmSync(files, { recursive: true, force: true });
  clientHome.cleanup();
  serverHome.cleanup();
});

/** Where the commands of one test talk to: the local database, or a server with its key. */
interface Target {
  options: CliOptions;
  /** The database that holds the runs, read by the test. */
  dbPath: string;
}

const local = (): Target => ({ options: { home: clientHome.home, cwd: files }, dbPath: clientHome.dbPath });

async function remote(): Promise<Target & { api: string }> {
  const key = 'debug-key';
  const proc = spawnCli(['server', 'start', '--port', '0'], { home: serverHome.home, env: { FLOWDECK_SERVER_API_KEY: key } });
  await proc.waitForOutput(/listening on http:\/\/127\.0\.0\.1:\d+/);
  const api = `http://127.0.0.1:${/listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(proc.stdout)![1]}/api`;
  return { api, dbPath: serverHome.dbPath, options: { home: clientHome.home, cwd: files, env: { FLOWDECK_API_URL: api, FLOWDECK_API_KEY: key } } };
}

/** The id of the task run the run process says it stopped at, the nth time it says so. */
async function stoppedAt(proc: CliProcess, task: string, nth = 1): Promise<string> {
  const said = () =>
    [...proc.stderr.matchAll(/(\S+) - stopped at (.*?); go on with: flowdeck task-run continue (\S+) /g)].filter((m) => m[1].startsWith(`${task}-`));
  await waitUntil(() => said().length >= nth || proc.done, { what: `${task} to stop at a breakpoint` });
  const match = said()[nth - 1];
  if (!match) throw new Error(`the run ended before ${task} stopped\n${showOutput({ code: null, stdout: proc.stdout, stderr: proc.stderr })}`);
  return match[3];
}

async function taskRunOf(target: Target, id: string): Promise<TaskRun> {
  const read = await runCli(['task-run', 'inspect', id, '--json'], target.options);
  expect(read.code, showOutput(read)).toBe(0);
  return JSON.parse(read.stdout) as TaskRun;
}

async function historyOf(target: Target, id: string) {
  return readStore(target.dbPath, (store) => store.states(id));
}

/** Every way to answer wrongly is refused with a clear message and changes nothing. */
async function refusesBadAnswers(target: Target, id: string): Promise<void> {
  const before = stateNames(await historyOf(target, id));
  const cases: [string[], number, string | RegExp][] = [
    [['task-run', 'continue', id, '--inputs', '[10'], 2, /^error: --inputs must be JSON, e\.g\. --inputs '\[10, "text"\]' \(/],
    [
      ['task-run', 'continue', id, '--inputs', '{"x":10}'],
      2,
      `error: --inputs must be a JSON array of the task's arguments in their order, e.g. --inputs '[10, "text"]'`,
    ],
    [
      ['task-run', 'continue', id, '--inputs', '[10, 2]'],
      2,
      "Cannot continue: task run 'double-0' was called with 1 argument; the inputs give 2 arguments.",
    ],
    [
      ['task-run', 'skip', id],
      2,
      "error: skipping a task run needs the result it should have: --result JSON, e.g. --result '[1,2]' or --result null",
    ],
    [['task-run', 'skip', id, '--result', 'twenty'], 2, /^error: --result must be JSON, e\.g\. --result '\{"rows":3\}' or --result null \(/],
    [
      ['task-run', 'fail', id],
      2,
      "Cannot fail: task run 'double-0' stopped before it started, not on a failure: continue it, step, skip it with a result, or cancel the flow run.",
    ],
    [
      ['task-run', 'continue', 'no-such-task-run'],
      2,
      "error: no task run with id 'no-such-task-run' or a unique id starting with it; 'flowdeck task-run ls' lists them",
    ],
    [
      ['flow-run', 'continue', 'no-such-flow-run'],
      2,
      "error: no flow run with id 'no-such-flow-run' or a unique id starting with it; 'flowdeck flow-run ls' lists them",
    ],
  ];
  for (const [argv, code, message] of cases) {
    const refused = await runCli(argv, target.options);
    expect(refused.code, `${argv.join(' ')}\n${showOutput(refused)}`).toBe(code);
    expect(refused.stdout).toBe('');
    if (typeof message === 'string') expect(refused.stderr.trim()).toBe(message);
    else expect(refused.stderr.trim()).toMatch(message);
  }
  const asJson = await runCli(['task-run', 'continue', id, '--inputs', '[1, 2]', '--json'], target.options);
  expect(asJson.code).toBe(2);
  expect(JSON.parse(asJson.stdout)).toEqual({
    taskRunId: id,
    error: { reason: 'INVALID_INPUT', message: "task run 'double-0' was called with 1 argument; the inputs give 2 arguments" },
  });
  expect(stateNames(await historyOf(target, id))).toEqual(before);
}

/** Stops at double, shows its inputs, steps it with edited inputs to a stop before show, then continues the flow run. */
async function stepsThroughWithEditedInputs(target: Target): Promise<void> {
  const run = spawnCli(['run', 'three.ts', '--break', 'double', '--json'], target.options);
  const doubleId = await stoppedAt(run, 'double');

  const inspect = await runCli(['task-run', 'inspect', doubleId], target.options);
  expect(inspect.code, showOutput(inspect)).toBe(0);
  expect(inspect.stdout).toContain(['Stopped at a breakpoint', "  why     a breakpoint on task 'double'"].join('\n'));
  expect(inspect.stdout).toContain(['  inputs  [', '            3', '          ]', '', 'Go on with'].join('\n'));
  expect(inspect.stdout).toContain(`flowdeck task-run continue ${doubleId} --inputs '[...]'`);
  expect(inspect.stdout).not.toContain('task-run fail');
  const flowRunId = (await taskRunOf(target, doubleId)).flowRunId;
  expect(inspect.stdout).toContain(`flowdeck flow-run continue ${flowRunId} `);

  await refusesBadAnswers(target, doubleId);

  const stepped = await runCli(['task-run', 'continue', doubleId.slice(0, 30), '--inputs', '[10]', '--step', '--json'], target.options);
  expect(stepped.code, showOutput(stepped)).toBe(0);
  expect(JSON.parse(stepped.stdout)).toEqual({ taskRunId: doubleId, flowRunId, action: 'step', state: { type: 'PENDING', name: 'Continued' } });

  const showId = await stoppedAt(run, 'show');
  expect(run.stderr).toMatch(/show-0 - stopped at a step;/);
  expect((await taskRunOf(target, showId)).breakpoint).toMatchObject({ inputs: '[20]', reason: 'stopped at a step', error: null });

  const continued = await runCli(['flow-run', 'continue', flowRunId], target.options);
  expect(continued.code, showOutput(continued)).toBe(0);
  expect(continued.stdout).toMatch(new RegExp(`^Continued 1 task run of flow run \\S+ \\(${flowRunId}\\)\\.\\n$`));

  const done = await run.wait();
  expect(done.code, showOutput(done)).toBe(0);
  expect(lastJsonLine(done.stdout)).toMatchObject({ flowRunId, state: { type: 'COMPLETED', name: 'Completed' }, result: 'value 20' });
  const history = await historyOf(target, doubleId);
  expect(stateNames(history)).toEqual(['Pending', 'Breakpoint', 'Continued', 'Running', 'Completed']);
  expect(history[2].message).toBe('stepped with edited inputs: [10]');

  // Nothing is stopped any more: the answers are refused and say why.
  const late = await runCli(['task-run', 'continue', doubleId], target.options);
  expect(late).toMatchObject({
    code: 1,
    stdout: '',
    stderr: "Cannot continue: task run 'double-0' is Completed; only a task run at a breakpoint can be answered.\n",
  });
  const none = await runCli(['flow-run', 'continue', flowRunId, '--json'], target.options);
  expect(none.code).toBe(1);
  expect(JSON.parse(none.stdout)).toEqual({
    flowRunId,
    error: { reason: 'NOT_AT_BREAKPOINT', message: `flow run '${flowRunId}' has no task run at a breakpoint` },
  });
}

/** `flow-run break` stops a debug run's next task run before it starts; `flow-run continue` lets it and the rest go on. */
async function breaksARunAsAWhole(target: Target): Promise<void> {
  const gateFile = join(files, `open-${Math.random().toString(36).slice(2)}`);
  const flowRunId = `gated-${Math.random().toString(36).slice(2)}`;
  const run = spawnCli(
    ['run', 'gated.ts', '--break-on-failure', '--flow-run-id', flowRunId, '--param', `path=${gateFile}`, '--json'],
    target.options,
  );
  await waitUntil(
    async () => existsSync(target.dbPath) && (await readStore(target.dbPath, (store) => store.flowRun(flowRunId)))?.state.type === 'RUNNING',
    { what: 'the flow run to start' },
  );
  const broke = await runCli(['flow-run', 'break', flowRunId], target.options);
  expect(broke.code, showOutput(broke)).toBe(0);
  expect(broke.stdout).toContain(`Go on with: flowdeck flow-run continue ${flowRunId}`);
  // Once the run's process has heard it, the task running now finishes and the next one stops.
  await waitUntil(() => run.stderr.includes('the run was broken'), { what: 'the run to hear the break' });
  writeFileSync(gateFile, '');
  const afterId = await stoppedAt(run, 'after');
  expect(run.stderr).toMatch(/after-0 - stopped at a step;/);
  const continued = await runCli(['flow-run', 'continue', flowRunId, '--json'], target.options);
  expect(JSON.parse(continued.stdout)).toEqual({ flowRunId, action: 'continue', continued: [afterId] });
  const done = await run.wait();
  expect(done.code, showOutput(done)).toBe(0);
  expect(lastJsonLine(done.stdout).result).toBe(2);

  // A run that is no debug run cannot be broken, and says how to get one.
  const plainId = `plain-${Math.random().toString(36).slice(2)}`;
  const plain = await runCli(['run', 'three.ts', '--flow-run-id', plainId], target.options);
  expect(plain.code, showOutput(plain)).toBe(0);
  const refused = await runCli(['flow-run', 'break', plainId, '--json'], target.options);
  expect(refused.code).toBe(1);
  expect(JSON.parse(refused.stdout)).toEqual({
    flowRunId: plainId,
    error: {
      reason: 'REFUSED',
      message: `flow run '${plainId}' is not a debug run, so its task runs cannot stop; start it with Debug (or flowdeck run --break, --step)`,
    },
  });
}

describe('on the local database', () => {
  it('stops a run at a breakpoint; other processes inspect it, refuse bad answers, step it with edited inputs and continue it', async () => {
    await stepsThroughWithEditedInputs(local());
  });

  it('breaks a debug run as a whole and continues it', async () => {
    await breaksARunAsAWhole(local());
  });
});

describe('through a server with an API key', () => {
  it('stops a run at a breakpoint; other processes inspect it, refuse bad answers, step it with edited inputs and continue it', async () => {
    await stepsThroughWithEditedInputs(await remote());
  });

  it('breaks a debug run as a whole and continues it', async () => {
    await breaksARunAsAWhole(await remote());
  });

  it('skips a stopped task run with a result', async () => {
    const target = await remote();
    const run = spawnCli(['run', 'three.ts', '--break', 'double', '--json'], target.options);
    const doubleId = await stoppedAt(run, 'double');
    const skipped = await runCli(['task-run', 'skip', doubleId, '--result', '21'], target.options);
    expect(skipped).toMatchObject({ code: 0, stdout: `Skipped task run double-0 (${doubleId}); it completes with the result 21.\n` });
    const done = await run.wait();
    expect(done.code, showOutput(done)).toBe(0);
    expect(lastJsonLine(done.stdout).result).toBe('value 21');
    expect(stateNames(await historyOf(target, doubleId))).toEqual(['Pending', 'Breakpoint', 'Skipped']);
  });

  it('stops a task run on its failure, shows the error, and continues it with fixed inputs', async () => {
    const target = await remote();
    const run = spawnCli(['run', 'fragile.ts', '--break-on-failure', '--json'], target.options);
    const halfId = await stoppedAt(run, 'half');
    const inspect = await runCli(['task-run', 'inspect', halfId], target.options);
    expect(inspect.stdout).toContain('  why     its failure: 7 is odd\n');
    expect(inspect.stdout).toContain('  error   Error: 7 is odd\n');
    expect(inspect.stdout).toContain(`flowdeck task-run fail ${halfId} `);

    const fixed = await runCli(['task-run', 'continue', halfId, '--inputs', '[8]'], target.options);
    expect(fixed).toMatchObject({ code: 0, stdout: `Continued task run half-0 (${halfId}) with inputs [8]; it runs to the next breakpoint.\n` });
    const done = await run.wait();
    expect(done.code, showOutput(done)).toBe(0);
    expect(lastJsonLine(done.stdout).result).toBe(4);
    const history = await historyOf(target, halfId);
    expect(stateNames(history)).toEqual(['Pending', 'Running', 'Breakpoint', 'Continued', 'Retrying', 'Completed']);
    expect(history[3].message).toBe('continued with edited inputs: [8]');
  });

  it('lets a task run stopped on its failure fail', async () => {
    const target = await remote();
    const run = spawnCli(['run', 'fragile.ts', '--break-on-failure', '--json'], target.options);
    const halfId = await stoppedAt(run, 'half');
    const failed = await runCli(['task-run', 'fail', halfId, '--json'], target.options);
    expect(failed.code, showOutput(failed)).toBe(0);
    expect(JSON.parse(failed.stdout)).toMatchObject({ taskRunId: halfId, action: 'fail', state: { type: 'FAILED', name: 'Failed' } });
    const done = await run.wait();
    expect(done.code).toBe(1);
    expect(lastJsonLine(done.stdout)).toMatchObject({ state: { type: 'FAILED' }, error: expect.stringContaining('7 is odd') });
  });

  it('refuses a command without the key, and the run still waits', async () => {
    const target = await remote();
    const run = spawnCli(['run', 'three.ts', '--break', 'double'], target.options);
    const doubleId = await stoppedAt(run, 'double');
    const { FLOWDECK_API_KEY: _, ...withoutKey } = target.options.env!;
    const refused = await runCli(['task-run', 'continue', doubleId], { ...target.options, env: withoutKey });
    expect(refused.code, showOutput(refused)).toBe(3);
    expect(refused.stderr).toMatch(/key/i);
    expect((await taskRunOf(target, doubleId)).state.name).toBe('Breakpoint');
    expect((await runCli(['task-run', 'continue', doubleId], target.options)).code).toBe(0);
    expect((await run.wait()).code).toBe(0);
  });
});

/** Runs `flowdeck ARGS...` on a pseudo-terminal (util-linux's script), its keyboard a pipe. */
function onTerminal(args: readonly string[], options: CliOptions) {
  const quote = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;
  const command = [process.execPath, CLI_PATH, ...args].map(quote).join(' ');
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('FLOWDECK_') && key !== 'FORCE_COLOR') env[key] = value;
  const child = spawn('script', ['-qfec', command, '/dev/null'], {
    cwd: options.cwd,
    env: { ...env, NO_COLOR: '1', FLOWDECK_HOME: options.home, ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let screen = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (screen += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (screen += text));
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return {
    get screen() {
      return screen;
    },
    /** Waits until the terminal has shown the text `count` times. */
    async shows(text: string, count = 1) {
      await waitUntil(() => screen.split(text).length > count, { what: `the terminal to show ${JSON.stringify(text)} ${count} time(s)\n${screen}` });
    },
    type: (line: string) => child.stdin.write(`${line}\r`),
    exited,
    kill: () => child.kill('SIGKILL'),
  };
}

describe('on a terminal', () => {
  it('prompts at each stop: p prints the inputs, i runs with edited inputs, c continues', async () => {
    const target = local();
    const terminal = onTerminal(['run', 'three.ts', '--break', 'double', '--break', 'show'], target.options);
    try {
      await terminal.shows('debug double-0> ');
      expect(terminal.screen).toContain("Task run 'double-0' stopped at a breakpoint on task 'double'\r\n");
      terminal.type('p');
      await terminal.shows('    3\r\n', 2);
      terminal.type('i [1, 2]');
      await terminal.shows("Cannot continue: task run 'double-0' was called with 1 argument; the inputs give 2 arguments.");
      terminal.type('i [10]');
      await terminal.shows('debug show-0> ');
      expect(terminal.screen).toContain('    20\r\n');
      terminal.type('c');
      expect(await terminal.exited).toBe(0);
      expect(terminal.screen).toContain('Result    "value 20"');
    } finally {
      terminal.kill();
    }
    await readStore(target.dbPath, async (store) => {
      const [flowRun] = await store.flowRuns();
      const [double] = (await store.taskRuns(flowRun.id)).filter((run) => run.name === 'double-0');
      const history = await store.states(double.id);
      expect(stateNames(history)).toEqual(['Pending', 'Breakpoint', 'Continued', 'Running', 'Completed']);
      expect(history[2].message).toBe('continued with edited inputs: [10]');
    });
  });

  it('answers through the server the run reports to, with the key', async () => {
    const target = await remote();
    const terminal = onTerminal(['run', 'three.ts', '--break', 'double'], target.options);
    try {
      await terminal.shows('debug double-0> ');
      terminal.type('k 21');
      expect(await terminal.exited).toBe(0);
      expect(terminal.screen).toContain('Result    "value 21"');
    } finally {
      terminal.kill();
    }
    await readStore(target.dbPath, async (store) => {
      const [flowRun] = await store.flowRuns();
      const [double] = (await store.taskRuns(flowRun.id)).filter((run) => run.name === 'double-0');
      expect(stateNames(await store.states(double.id))).toEqual(['Pending', 'Breakpoint', 'Skipped']);
    });
  });

  it('q cancels the flow run', async () => {
    const target = local();
    const terminal = onTerminal(['run', 'three.ts', '--break', 'double'], target.options);
    try {
      await terminal.shows('debug double-0> ');
      terminal.type('q');
      expect(await terminal.exited).toBe(1);
      expect(terminal.screen).toContain('Cancelling the flow run; its process stops within a second.');
      expect(terminal.screen).toContain('State     Cancelled');
    } finally {
      terminal.kill();
    }
  });
});
