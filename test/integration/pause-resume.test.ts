// A flow run that pauses, resumed by `flowdeck flow-run resume` from another process: the run's
// own process hears of it at its next heartbeat and finishes with the input given.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { expect, it } from 'vitest';
import { fixtureFlow, lastJsonLine, readStore, runCli, showOutput, spawnCli, stateNames, useCliHome, waitUntil } from '../helpers/cli.js';

const temp = useCliHome();

/** Frequent heartbeats keep the test quick; nothing here measures them. */
const ENV = { FLOWDECK_HEARTBEAT_SECONDS: '0.2' };

it('flowdeck flow-run resume ID --input JSON resumes a paused run, which completes with that input', async () => {
  const proc = spawnCli(['run', fixtureFlow('pauses'), '--json'], { home: temp.home, env: ENV });
  const flowRun = await waitUntil(
    async () => {
      if (proc.done) throw new Error(`the flow process ended early\n${proc.stdout}\n${proc.stderr}`);
      if (!existsSync(temp.dbPath)) return null;
      return readStore(temp.dbPath, async (store) => (await store.flowRuns()).find((run) => run.state.type === 'PAUSED') ?? null);
    },
    { what: 'the flow run to be Paused' },
  );
  expect(flowRun.state.message).toBe('waiting for approval');
  await proc.waitForOutput(`flowdeck flow-run resume ${flowRun.id} --input JSON`, 'stderr');
  // The flow process recorded what its pause waits for, the zod schema as JSON Schema.
  const pause = await readStore(temp.dbPath, async (store) => (await store.flowRun(flowRun.id))!.pause);
  expect(pause).toMatchObject({
    pauseId: flowRun.state.transitionId,
    reason: 'waiting for approval',
    inputSchema: { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'] },
  });
  expect(pause!.timeoutAt).toBeGreaterThan(flowRun.state.timestamp);

  // Input that does not fit is refused before the run is woken: it waits on the same pause.
  const refused = await runCli(['flow-run', 'resume', flowRun.id, '--input', '{"ok":"yes"}'], { home: temp.home, env: ENV });
  expect(refused.code, showOutput(refused)).toBe(2);
  expect(refused.stderr).toContain('ok: expected boolean, got string');
  await readStore(temp.dbPath, async (store) => expect((await store.flowRun(flowRun.id))!.state.transitionId).toBe(flowRun.state.transitionId));

  const resume = await runCli(['flow-run', 'resume', flowRun.id.slice(0, 13), '--input', '{"ok":true}'], { home: temp.home, env: ENV });
  expect(resume.code, showOutput(resume)).toBe(0);
  expect(resume.stdout).toContain(`Resumed flow run ${flowRun.name} (${flowRun.id})`);

  const ended = await proc.wait();
  expect(ended.code, showOutput(ended)).toBe(0);
  const json = lastJsonLine(ended.stdout);
  expect(json).toMatchObject({ flowRunId: flowRun.id, state: { type: 'COMPLETED', name: 'Completed' }, result: { ok: true } });
  expect(ended.stderr).toContain('approved: true');
  await readStore(temp.dbPath, async (store) => {
    expect(stateNames(await store.states(flowRun.id))).toEqual(['Pending', 'Running', 'Paused', 'Running', 'Completed']);
  });

  // Finished now: a second resume is refused.
  const again = await runCli(['flow-run', 'resume', flowRun.id], { home: temp.home });
  expect(again.code, showOutput(again)).toBe(1);
  expect(again.stderr).toContain(`flow run '${flowRun.name}' is Completed; only a Paused run can be resumed`);
});

it('refuses input that is not JSON and ids that name no run, with exit code 2', async () => {
  const badJson = await runCli(['flow-run', 'resume', randomUUID(), '--input', '{ok: true}'], { home: temp.home });
  expect(badJson.code, showOutput(badJson)).toBe(2);
  expect(badJson.stderr).toContain('--input must be JSON');

  const id = randomUUID();
  const unknown = await runCli(['flow-run', 'resume', id, '--input', '1'], { home: temp.home });
  expect(unknown.code, showOutput(unknown)).toBe(2);
  expect(unknown.stderr).toContain(`no flow run with id '${id}'`);
});
