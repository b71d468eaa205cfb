// shellCommand inside real flows on a real store, running real programs.
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { flow, getRunContext, TimeoutError } from '../../../app/engine/index.js';
import { shellCommand, ShellCommandError, type ShellCommandResult } from '../../../app/engine/tasks/index.js';
import { processIsAlive } from '../../../app/server/index.js';
import { useEngineStore, type EngineStore } from '../../helpers/engine-store.js';
import { namesOf, onlyTaskRun, until } from '../support.js';

let env: EngineStore;
let dir: string;
beforeEach(async () => {
  env = await useEngineStore();
  dir = mkdtempSync(join(tmpdir(), 'flowdeck-shell-'));
});
afterEach(async () => {
  await env.dispose();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs `node -e script` with arguments: a program every test machine has. */
function node(script: string, ...args: string[]) {
  return { command: process.execPath, args: ['-e', script, ...args] };
}

describe('shellCommand', () => {
  it('passes arguments verbatim, with no shell to interpret them', async () => {
    const marker = join(dir, 'pwned');
    const args = [
      'two words',
      '"double"',
      "it's",
      `$(touch ${marker})`,
      `\`touch ${marker}\``,
      `x; touch ${marker}`,
      '*',
      '$HOME',
      '&& exit 7 |',
      '',
    ];
    const outcome = await flow({ name: 'verbatim' }, () =>
      shellCommand(node('process.stdout.write(JSON.stringify(process.argv.slice(1)))', ...args)),
    ).run();
    expect(outcome.state.name).toBe('Completed');
    const result = outcome.result as ShellCommandResult;
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(args);
    expect(existsSync(marker)).toBe(false);
    const run = await onlyTaskRun(env.store, outcome.flowRunId, 'shell-command');
    expect(run.state.name).toBe('Completed');
    expect(JSON.parse(run.inputs!)[0].args.slice(2)).toEqual(args);
  });

  it('a non-zero exit fails the run with the code and the end of stderr', async () => {
    let caught: unknown;
    const outcome = await flow({ name: 'exit-code' }, async () => {
      caught = await shellCommand(node(`process.stderr.write('x'.repeat(5000) + 'disk is full\\n'); process.exit(3)`)).catch((e: unknown) => e);
    }).run();
    expect(caught).toBeInstanceOf(ShellCommandError);
    const error = caught as ShellCommandError;
    expect(error.exitCode).toBe(3);
    expect(error.message).toMatch(/^command '.+' exited with code 3: …x+disk is full$/);
    expect(error.message.length).toBeLessThan(1500);
    const run = await onlyTaskRun(env.store, outcome.flowRunId, 'shell-command');
    expect(run.state.name).toBe('Failed');
    expect(run.state.message).toBe(error.message);
  });

  it('allowFailure answers the exit code instead, with both outputs', async () => {
    const outcome = await flow({ name: 'allowed' }, () =>
      shellCommand({ ...node(`console.log('out'); console.error('err'); process.exit(5)`), allowFailure: true }),
    ).run();
    expect(outcome.result).toEqual({ exitCode: 5, stdout: 'out\n', stderr: 'err\n' });
  });

  it('feeds input to stdin, and runs in the given folder with the given environment', async () => {
    const outcome = await flow({ name: 'stdin-cwd-env' }, async () => {
      const cat = await shellCommand({ command: 'cat', input: 'line one\nline "two" $(x)\n' });
      const where = await shellCommand({
        ...node('console.log(process.cwd(), process.env.FLOWDECK_TEST_GREETING, process.env.HOME === undefined)'),
        cwd: dir,
        env: { FLOWDECK_TEST_GREETING: 'hello there', HOME: undefined },
      });
      return [cat.stdout, where.stdout];
    }).run();
    expect(outcome.result).toEqual(['line one\nline "two" $(x)\n', `${realpathSync(dir)} hello there true\n`]);
  });

  it('stops the program after timeoutSeconds, failing TimedOut', async () => {
    const pidFile = join(dir, 'pid');
    let caught: unknown;
    const started = Date.now();
    const outcome = await flow({ name: 'too-slow' }, async () => {
      caught = await shellCommand({
        ...node(`require('fs').writeFileSync(${JSON.stringify(pidFile)}, String(process.pid)); setTimeout(() => {}, 60000)`),
        timeoutSeconds: 0.5,
      }).catch((e: unknown) => e);
    }).run();
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(caught).toBeInstanceOf(TimeoutError);
    expect((caught as Error).message).toMatch(/^command '.+' timed out after 0.5s$/);
    expect((await onlyTaskRun(env.store, outcome.flowRunId, 'shell-command')).state.name).toBe('TimedOut');
    expect(processIsAlive(Number(readFileSync(pidFile, 'utf8')))).toBe(false);
  });

  it('a cancelled flow run stops the program', async () => {
    const pidFile = join(dir, 'pid');
    const outcome = await flow({ name: 'cancelled' }, async () => {
      const command = shellCommand(node(`require('fs').writeFileSync(${JSON.stringify(pidFile)}, String(process.pid)); setTimeout(() => {}, 60000)`));
      await until(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8') !== '');
      await env.store.cancelFlowRun(getRunContext().flowRun.id);
      return command;
    }).run();
    expect(outcome.state.name).toBe('Cancelled');
    const run = await onlyTaskRun(env.store, outcome.flowRunId, 'shell-command');
    expect(await namesOf(env.store, run.id)).toEqual(['Pending', 'Running', 'Cancelled']);
    await until(() => !processIsAlive(Number(readFileSync(pidFile, 'utf8'))));
  });

  it('a program that does not exist fails saying so', async () => {
    const outcome = await flow({ name: 'missing' }, () =>
      shellCommand({ command: 'flowdeck-no-such-program', args: ['x'] }).catch((e: Error) => e.message),
    ).run();
    expect(outcome.result).toBe(
      "command 'flowdeck-no-such-program x' could not be started: spawn flowdeck-no-such-program ENOENT; is 'flowdeck-no-such-program' installed and on the PATH?",
    );
  });
});
