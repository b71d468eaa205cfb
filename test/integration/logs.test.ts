// `flowdeck flow-run logs ID` prints what a run logged; with --follow it streams the lines of a
// run that is still going and stops once the run has ended.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { StoredLog } from '../../app/core/index.js';
import { fixtureFlow, lastJsonLine, readStore, runCli, showOutput, spawnCli, waitUntil, useCliHome } from '../helpers/cli.js';

const temp = useCliHome();

/** What the gated fixture logs, in order. */
function expectedMessages(gate: string): string[] {
  return ['flow started', 'prepared batch b-1', `waiting for the gate at ${gate}`, 'the gate is open', 'flow finished'];
}

/** The body lines of `flow-run logs` that carry one of the messages, in the order printed. */
function printedMessages(stdout: string, messages: readonly string[]): string[] {
  return stdout
    .split('\n')
    .map((line) => messages.find((m) => line.endsWith(m)))
    .filter((m): m is string => m !== undefined);
}

it("prints every log line of a finished run, in order, with each task run's name", async () => {
  const gate = join(temp.home, 'gate');
  writeFileSync(gate, 'open');
  const ran = await runCli(['run', fixtureFlow('gated'), '--param', `gate=${gate}`, '--json'], { home: temp.home });
  expect(ran.code, showOutput(ran)).toBe(0);
  const { flowRunId } = lastJsonLine(ran.stdout);

  const stored = await readStore(temp.dbPath, (store) => store.logs(flowRunId));
  expect(stored.map((l) => l.message)).toEqual(expectedMessages(gate));

  const logs = await runCli(['flow-run', 'logs', flowRunId], { home: temp.home });
  expect(logs.code, showOutput(logs)).toBe(0);
  const lines = logs.stdout.trim().split('\n');
  expect(lines).toHaveLength(stored.length);
  expect(printedMessages(logs.stdout, expectedMessages(gate))).toEqual(expectedMessages(gate));
  expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO +flow started$/);
  expect(lines[1]).toMatch(/INFO +\[prepare-0\] prepared batch b-1$/);
  expect(lines[2]).toMatch(/WARNING +\[wait-for-gate-0\] waiting for the gate at /);

  // --level keeps the warning only; --json prints the stored lines as they are.
  const warnings = await runCli(['flow-run', 'logs', flowRunId, '--level', 'warning'], { home: temp.home });
  expect(warnings.code, showOutput(warnings)).toBe(0);
  expect(warnings.stdout.trim().split('\n')).toHaveLength(1);
  expect(warnings.stdout).toContain(`waiting for the gate at ${gate}`);

  const json = await runCli(['flow-run', 'logs', flowRunId, '--json'], { home: temp.home });
  expect(json.code, showOutput(json)).toBe(0);
  const parsed = json.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as StoredLog);
  expect(parsed).toEqual(stored);
});

it('--follow streams the lines of a running flow and exits once the run has ended', async () => {
  const gate = join(temp.home, 'gate');
  const run = spawnCli(['run', fixtureFlow('gated'), '--param', `gate=${gate}`, '--json'], { home: temp.home });

  // The flow waits at the gate until this test opens it, so it is certainly still running.
  const flowRunId = await waitUntil(
    async () => {
      if (run.done) throw new Error(`the flow process ended early\n${run.stdout}\n${run.stderr}`);
      if (!existsSync(temp.dbPath)) return null;
      return readStore(temp.dbPath, async (store) => {
        const [flowRun] = await store.flowRuns();
        return flowRun && (await store.logs(flowRun.id)).some((l) => l.message.startsWith('waiting for the gate')) ? flowRun.id : null;
      });
    },
    { what: 'the flow to wait at the gate' },
  );

  const follow = spawnCli(['flow-run', 'logs', flowRunId, '--follow'], { home: temp.home });
  await follow.waitForOutput(`waiting for the gate at ${gate}`);
  expect(follow.done).toBe(false);
  expect(follow.stdout).not.toContain('flow finished');
  await readStore(temp.dbPath, async (store) => expect((await store.flowRun(flowRunId))?.state.type).toBe('RUNNING'));

  writeFileSync(gate, 'open');
  const [followed, ran] = await Promise.all([follow.wait(), run.wait()]);
  expect(ran.code, showOutput(ran)).toBe(0);
  expect(followed.code, showOutput(followed)).toBe(0);
  // Every line exactly once, in order: those from before it started and those that came later.
  expect(printedMessages(followed.stdout, expectedMessages(gate))).toEqual(expectedMessages(gate));
  expect(followed.stdout.trim().split('\n')).toHaveLength(expectedMessages(gate).length);
  expect(followed.stderr).toContain('finished in state Completed');
});

it('--follow on a run that has already ended prints its lines and exits', async () => {
  const gate = join(temp.home, 'gate');
  writeFileSync(gate, 'open');
  const ran = await runCli(['run', fixtureFlow('gated'), '--param', `gate=${gate}`, '--json'], { home: temp.home });
  expect(ran.code, showOutput(ran)).toBe(0);
  const followed = await runCli(['flow-run', 'logs', lastJsonLine(ran.stdout).flowRunId, '--follow'], { home: temp.home });
  expect(followed.code, showOutput(followed)).toBe(0);
  expect(printedMessages(followed.stdout, expectedMessages(gate))).toEqual(expectedMessages(gate));
});
