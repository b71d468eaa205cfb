// Several `flowdeck run` processes share one FLOWDECK_HOME: a tag concurrency limit holds across
// all of them, nobody sees "database is locked", and every task run is recorded exactly once.
import { expect, it } from 'vitest';
import type { State, TaskRun } from '../../app/core/index.js';
import {
  fixtureFlow,
  lastJsonLine,
  maxOverlap,
  readStore,
  runCli,
  runningSpans,
  showOutput,
  spawnCli,
  stateNames,
  useCliHome,
} from '../helpers/cli.js';

const temp = useCliHome();

const WORKERS = ['red', 'green', 'blue'];
const ROWS = 4;

it("three processes at once take turns on tag 'db' (limit 1), and every task run is recorded once", async () => {
  const create = await runCli(['concurrency-limit', 'create', 'db', '1'], { home: temp.home });
  expect(create.code, showOutput(create)).toBe(0);

  const procs = WORKERS.map((worker) =>
    spawnCli(['run', fixtureFlow('tagged-db'), '--param', `worker=${worker}`, '--param', `rows=${ROWS}`, '--json'], { home: temp.home }),
  );
  const results = await Promise.all(procs.map((proc) => proc.wait()));

  for (const result of results) {
    expect(result.code, showOutput(result)).toBe(0);
    expect(result.stderr).not.toMatch(/database is locked|SQLITE_BUSY/i);
    expect(lastJsonLine(result.stdout).result).toEqual([0, 1, 2, 3]);
  }
  const flowRunIds = results.map((result) => lastJsonLine(result.stdout).flowRunId);
  expect(new Set(flowRunIds).size).toBe(WORKERS.length);

  const { taskRuns, histories } = await readStore(temp.dbPath, async (store) => {
    expect((await store.flowRuns()).map((r) => r.id).sort()).toEqual([...flowRunIds].sort());
    const taskRuns: TaskRun[] = (await Promise.all(flowRunIds.map((id) => store.taskRuns(id)))).flat();
    const histories = new Map<string, State[]>(await Promise.all(taskRuns.map(async (t) => [t.id, await store.states(t.id)] as const)));
    return { taskRuns, histories };
  });

  // Every task run present exactly once: one per worker and row, no duplicates, none missing.
  expect(taskRuns).toHaveLength(WORKERS.length * ROWS);
  expect(new Set(taskRuns.map((t) => t.id)).size).toBe(taskRuns.length);
  expect(taskRuns.map((t) => t.name).sort()).toEqual(
    WORKERS.flatMap((worker) => Array.from({ length: ROWS }, (_, row) => `write-${worker}-${row}`)).sort(),
  );

  for (const taskRun of taskRuns) {
    const states = histories.get(taskRun.id)!;
    expect(taskRun.tags).toEqual(['db']);
    expect(taskRun.state.name).toBe('Completed');
    // Started once and finished once: waiting for the slot is not a second attempt.
    expect(stateNames(states).filter((name) => name === 'Running' || name === 'Retrying')).toEqual(['Running']);
    expect(stateNames(states).filter((name) => name === 'Completed')).toEqual(['Completed']);
    expect(states[0].name).toBe('Pending');
    expect(states.at(-1)?.name).toBe('Completed');
  }

  // The limit of 1 held across the processes: no two [Running, Completed] spans overlap.
  const spans = taskRuns.flatMap((t) => runningSpans(histories.get(t.id)!));
  expect(spans).toHaveLength(taskRuns.length);
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  for (let i = 1; i < sorted.length; i++) {
    expect(sorted[i].start, `span ${i} starts before span ${i - 1} ends`).toBeGreaterThanOrEqual(sorted[i - 1].end);
  }
  expect(maxOverlap(spans)).toBe(1);
  // Twelve runs and one slot: most of them had to wait for it.
  const waited = taskRuns.filter((t) => histories.get(t.id)!.some((s) => s.name === 'AwaitingConcurrencySlot'));
  expect(waited.length).toBeGreaterThan(0);

  // Every slot was given back.
  const limit = await runCli(['concurrency-limit', 'inspect', 'db', '--json'], { home: temp.home });
  expect(limit.code, showOutput(limit)).toBe(0);
  expect(JSON.parse(limit.stdout)).toMatchObject({ tag: 'db', limit: 1, activeSlots: [] });
});
