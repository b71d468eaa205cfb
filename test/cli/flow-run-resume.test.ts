// `flowdeck flow-run resume` on the local database and against a server: the same answers, the
// input kept for the paused run's process either way.
import { dirname } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { makeTempHome } from '../helpers/temp-home.js';
import { useTestServer } from '../server/http/support.js';
import { cli, Seed, type CliResult } from './harness.js';
import { cliWithEnv } from './settings-support.js';

const server = useTestServer();
let remoteHome: ReturnType<typeof makeTempHome>;
beforeEach(() => (remoteHome = makeTempHome()));
afterEach(() => remoteHome.cleanup());

function local(...argv: string[]): Promise<CliResult> {
  return cli(dirname(server.current.dbPath), ...argv);
}

function remote(...argv: string[]): Promise<CliResult> {
  return cliWithEnv(remoteHome.home, { FLOWDECK_API_URL: server.current.api }, ...argv);
}

/** A Paused flow run; answers its id and the id of its pause. */
async function pausedRun(name: string): Promise<{ id: string; pauseId: string }> {
  const seed = new Seed(server.current.store);
  const id = await seed.flowRun({ name });
  await seed.move('flow', id, 'RUNNING', 'Running');
  await seed.move('flow', id, 'PAUSED', 'Paused', { message: 'approve' });
  return { id, pauseId: (await server.current.store.getFlowRun(id))!.state.transitionId! };
}

/** A Paused flow run whose pause takes `{ approved: boolean }`; answers its id and the id of its pause. */
async function pausedForApproval(name: string): Promise<{ id: string; pauseId: string }> {
  const seed = new Seed(server.current.store);
  const id = await seed.flowRun({ name });
  await seed.move('flow', id, 'RUNNING', 'Running');
  const inputSchema = { type: 'object', properties: { approved: { type: 'boolean' } }, required: ['approved'], additionalProperties: false };
  await seed.move('flow', id, 'PAUSED', 'Paused', { message: 'approve', pause: { reason: 'approve', inputSchema } });
  return { id, pauseId: (await server.current.store.getFlowRun(id))!.state.transitionId! };
}

for (const [where, run] of [
  ['locally', local],
  ['against a server', remote],
] as const) {
  it(`refuses input that does not fit the pause's schema, saying where, and the run still waits (${where})`, async () => {
    const { id, pauseId } = await pausedForApproval('picky-otter');
    const message =
      "the input does not fit what flow run 'picky-otter' waits for: approved: expected boolean, got string; extra: is not expected here";
    const refused = await run('flow-run', 'resume', id, '--input', '{"approved":"yes","extra":1}');
    expect(refused).toEqual({ code: 2, out: '', err: `Cannot resume: ${message}.\n` });

    const asJson = await run('flow-run', 'resume', id, '--input', '{"approved":"yes","extra":1}', '--json');
    expect(asJson.code).toBe(2);
    expect(JSON.parse(asJson.out)).toEqual({
      flowRunId: id,
      error: {
        reason: 'INVALID_INPUT',
        message,
        issues: [
          { path: ['approved'], message: 'expected boolean, got string' },
          { path: ['extra'], message: 'is not expected here' },
        ],
      },
    });
    const none = await run('flow-run', 'resume', id);
    expect(none.code).toBe(2);
    expect(none.err).toContain('waits for: expected object, got nothing.');
    expect((await server.current.store.getFlowRun(id))!.state).toMatchObject({ type: 'PAUSED', transitionId: pauseId });
    expect(await server.current.store.resumeRecord(id, pauseId)).toBeNull();

    const resumed = await run('flow-run', 'resume', id, '--input', '{"approved":true}', '--json');
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.out)).toEqual({ flowRunId: id, state: { type: 'RUNNING', name: 'Running' } });
    expect((await server.current.store.resumeRecord(id, pauseId))?.input).toEqual({ approved: true });

    const again = await run('flow-run', 'resume', id, '--json');
    expect(again.code).toBe(1);
    expect(JSON.parse(again.out)).toEqual({
      flowRunId: id,
      error: { reason: 'NOT_PAUSED', message: "flow run 'picky-otter' is Running; only a Paused run can be resumed" },
    });
  });

  it(`resumes a paused run with its input, and refuses one that is not paused (${where})`, async () => {
    const { id, pauseId } = await pausedRun('calm-otter');
    const resumed = await run('flow-run', 'resume', id, '--input', '{"approved":true,"by":"ada"}');
    expect(resumed).toEqual({ code: 0, out: `Resumed flow run calm-otter (${id}); its process goes on at its next heartbeat.\n`, err: '' });
    expect((await server.current.store.getFlowRun(id))!.state).toMatchObject({ type: 'RUNNING', message: 'resumed with input' });
    expect((await server.current.store.resumeRecord(id, pauseId))?.input).toEqual({ approved: true, by: 'ada' });

    const again = await run('flow-run', 'resume', id);
    expect(again).toEqual({ code: 1, out: '', err: "Cannot resume: flow run 'calm-otter' is Running; only a Paused run can be resumed.\n" });
  });
}

it('refuses --input nested deeper than the API takes, before asking anyone', async () => {
  const { id } = await pausedRun('deep-otter');
  const result = await local('flow-run', 'resume', id, '--input', `${'['.repeat(70)}${']'.repeat(70)}`);
  expect(result.code).toBe(2);
  expect(result.err).toContain('--input: nested deeper than 64 levels');
  expect((await server.current.store.getFlowRun(id))!.state.type).toBe('PAUSED');
});
