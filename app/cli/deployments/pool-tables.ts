import type { Worker, WorkQueue } from '../../core/api/index.js';
import type { CliContext } from '../context.js';
import { formatTime } from '../output/format.js';
import { renderTable } from '../output/table.js';

type Colors = CliContext['colors'];

export function renderQueueTable(queues: readonly WorkQueue[], colors: Colors): string {
  const rows = queues.map((q) => [
    q.name,
    String(q.priority),
    q.concurrencyLimit === null ? '-' : String(q.concurrencyLimit),
    q.paused ? 'yes' : 'no',
  ]);
  return renderTable(['QUEUE', 'PRIORITY', 'LIMIT', 'PAUSED'], rows, colors.bold);
}

export function renderWorkerTable(workers: readonly Worker[], colors: Colors): string {
  const rows = workers.map((w) => [
    w.name,
    w.status === 'ONLINE' ? colors.green(w.status) : colors.gray(w.status),
    formatTime(w.lastHeartbeatAt),
    String(w.activeRuns),
    w.limit === null ? '-' : String(w.limit),
    w.queues.length > 0 ? w.queues.join(', ') : 'all',
    w.hostname ?? '-',
    w.pid === null ? '-' : String(w.pid),
  ]);
  return renderTable(['WORKER', 'STATUS', 'LAST BEAT', 'RUNS', 'LIMIT', 'QUEUES', 'HOST', 'PID'], rows, colors.bold);
}
