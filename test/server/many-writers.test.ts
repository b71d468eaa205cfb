import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTestStore, sqliteOf } from '../helpers/store-factory.js';
import { makeTempHome } from '../helpers/temp-home.js';

const WORKER = fileURLToPath(new URL('../fixtures/store-writer.mjs', import.meta.url));
const BUILT_STORE = fileURLToPath(new URL('../../dist/app/server/index.js', import.meta.url));
const PROCESSES = 6;
const TASKS = 200;
const LOGS_PER_TASK = 5;

interface WorkerSummary {
  worker: number;
  flowRunId: string;
  taskRunIds: string[];
  logs: number;
}

interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function runWorker(dbPath: string, index: number): Promise<Finished> {
  const child = spawn(process.execPath, [WORKER, dbPath, String(index), String(TASKS), String(LOGS_PER_TASK)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

describe('many processes writing to one database', () => {
  let temp: ReturnType<typeof makeTempHome>;
  beforeEach(() => {
    temp = makeTempHome();
  });
  afterEach(() => temp.cleanup());

  it('keeps every run, state and log line of six processes writing at once', async () => {
    expect(existsSync(BUILT_STORE), `${BUILT_STORE} is missing: run \`npm run build\` (npm test does it first)`).toBe(true);

    // All of them start on a file that does not exist yet, so they also race to create and migrate it.
    const finished = await Promise.all(Array.from({ length: PROCESSES }, (_, i) => runWorker(temp.dbPath, i)));

    for (const [i, run] of finished.entries()) {
      expect({ worker: i, code: run.code, signal: run.signal }, `worker ${i} wrote on stderr:\n${run.stderr}`).toEqual({
        worker: i,
        code: 0,
        signal: null,
      });
      expect(run.stderr).not.toMatch(/database is locked|SQLITE_BUSY/i);
    }
    const summaries = finished.map((run) => JSON.parse(run.stdout.trim()) as WorkerSummary);
    expect(summaries.map((s) => s.worker)).toEqual([...Array(PROCESSES).keys()]);
    expect(new Set(summaries.map((s) => s.flowRunId)).size).toBe(PROCESSES);

    const store = await openTestStore({ path: temp.dbPath });
    try {
      // The states rows in the order SQLite stored them, as the processes' writes interleaved.
      const db = sqliteOf(store).database;
      const states = db
        .prepare<[], { id: number; run_id: string; run_kind: string; name: string; transition_id: string }>(
          'SELECT id, run_id, run_kind, name, transition_id FROM states ORDER BY id',
        )
        .all();
      const namesByRun = new Map<string, string[]>();
      const lastStateId = new Map<string, number>();
      for (const row of states) {
        namesByRun.set(row.run_id, [...(namesByRun.get(row.run_id) ?? []), row.name]);
        lastStateId.set(row.run_id, row.id);
      }
      const runsPerProcess = TASKS + 1;
      expect(states).toHaveLength(PROCESSES * runsPerProcess * 3);
      expect(new Set(states.map((s) => s.transition_id)).size).toBe(states.length);
      expect(namesByRun.size).toBe(PROCESSES * runsPerProcess);

      let totalLogs = 0;
      for (const summary of summaries) {
        const flowRun = await store.getFlowRun(summary.flowRunId);
        expect(flowRun?.state.name).toBe('Completed');
        expect(namesByRun.get(summary.flowRunId)).toEqual(['Pending', 'Running', 'Completed']);

        const taskRuns = await store.listTaskRuns(summary.flowRunId);
        expect(taskRuns.map((t) => t.id).sort()).toEqual([...summary.taskRunIds].sort());
        expect(new Set(summary.taskRunIds).size).toBe(TASKS);
        for (const taskRun of taskRuns) {
          // Ascending state ids follow the lifecycle, each state exactly once.
          expect(namesByRun.get(taskRun.id), taskRun.id).toEqual(['Pending', 'Running', 'Completed']);
          expect(taskRun).toMatchObject({ runCount: 1, result: String(taskRun.dynamicKey), state: { name: 'Completed', attempt: 1 } });
          // The run row points at its newest state row.
          const row = db.prepare<[string], { state_id: number }>('SELECT state_id FROM task_runs WHERE id = ?').get(taskRun.id);
          expect(row?.state_id).toBe(lastStateId.get(taskRun.id));
        }

        expect(summary.logs).toBe(TASKS * LOGS_PER_TASK + 2);
        expect(await store.countLogs(summary.flowRunId)).toBe(summary.logs);
        totalLogs += summary.logs;
        for (const taskRunId of summary.taskRunIds.slice(0, 10)) {
          const lines = (await store.listLogs(summary.flowRunId, { taskRunId })).map((line) => line.message);
          expect(lines.map((m) => Number(m.split(' line ')[1]))).toEqual([...Array(LOGS_PER_TASK).keys()]);
        }
      }
      expect(db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM logs').get()?.n).toBe(totalLogs);
      expect(db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM task_runs').get()?.n).toBe(PROCESSES * TASKS);
      expect(db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM flows').get()?.n).toBe(1);
    } finally {
      await store.close();
    }
  });
});
