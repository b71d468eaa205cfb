/**
 * W5: the W1 flow (1,000 sequential tracked tasks, one log line each) in this process, reporting
 * to a real `flowdeck server start` process over HTTP on loopback through the HTTP reporter, as
 * `flowdeck run` does with FLOWDECK_API_URL set.
 */
import { createApiClient } from '../../app/core/api/index.js';
import { configureEngine } from '../../app/engine/hosting.js';
import { HttpReporter, reportTransport, type SendReport } from '../../app/engine/reporting/index.js';
import { makeTempHome } from '../lib/env.js';
import { startServerProcess, type ServerProcess } from '../lib/server-process.js';
import { nowMs } from '../lib/stats.js';
import { sequential, W1_TASKS } from './w1-sequential.js';

export interface W5Run {
  ms: number;
  tasksPerSecond: number;
  /** POST /reports requests the run took. */
  reports: number;
}

export interface W5Server {
  run(tasks?: number): Promise<W5Run>;
  stop(): Promise<void>;
}

/** One server for every round; each round is a new flow run against it. */
export async function startW5(): Promise<W5Server> {
  const server: ServerProcess = await startServerProcess('w5-server');
  const client = makeTempHome('w5-client');
  const api = createApiClient({ baseUrl: server.api });
  return {
    async run(tasks = W1_TASKS) {
      let reports = 0;
      const transport = reportTransport({ apiUrl: server.api });
      const send: SendReport = (body, operations) => {
        reports++;
        return transport(body, operations);
      };
      const reporter = new HttpReporter({ apiUrl: server.api, home: client.home, send });
      configureEngine({ reporter, home: client.home, consoleSink: null, onEvent: null, logLevel: 20 });
      const start = nowMs();
      const outcome = await sequential.run({ tasks });
      await reporter.close();
      const ms = nowMs() - start;
      configureEngine({ reporter: null });
      if (!outcome.ok) throw new Error(`W5 flow run ended ${outcome.state.name}: ${String(outcome.error)}`);
      await check(api, outcome.flowRunId, tasks);
      return { ms, tasksPerSecond: (tasks / ms) * 1000, reports };
    },
    async stop() {
      await server.stop();
      client.cleanup();
    },
  };
}

/** The server holds everything the run reported. */
async function check(api: ReturnType<typeof createApiClient>, flowRunId: string, tasks: number): Promise<void> {
  const run = await api.getFlowRun({ params: { id: flowRunId } });
  const taskRuns = await api.listFlowRunTaskRuns({ params: { id: flowRunId } });
  const completed = taskRuns.filter((t) => t.state.type === 'COMPLETED').length;
  if (run.state.type !== 'COMPLETED' || completed !== tasks) {
    throw new Error(`W5: the server holds the flow run ${run.state.name} with ${completed} of ${tasks} task runs Completed`);
  }
}
