import { useEffect, useState } from 'react';
import type { RerunSummary, TaskRun } from '../../../core/runs.js';
import { routeHash } from '../../app/routes.js';
import { useServices } from '../../app/services-context.js';
import { rerunOfText, reusedFromText } from '../model/reruns.js';

/** On a run made from a task of another: which task of which run, linking it. Names are read; ids stand in until then. */
export function RerunOfLine({ link }: { link: { flowRunId: string; taskRunId: string } }) {
  const { client } = useServices();
  const [names, setNames] = useState<{ task: string | null; run: string | null }>({ task: null, run: null });
  useEffect(() => {
    let live = true;
    void Promise.allSettled([client.getTaskRun({ params: { id: link.taskRunId } }), client.getFlowRun({ params: { id: link.flowRunId } })]).then(
      ([task, run]) => {
        if (!live) return;
        setNames({ task: task.status === 'fulfilled' ? task.value.name : null, run: run.status === 'fulfilled' ? run.value.name : null });
      },
    );
    return () => {
      live = false;
    };
  }, [client, link.flowRunId, link.taskRunId]);
  return (
    <p className="fd-rerun-line" data-testid="rerun-of">
      <a className="fd-link" href={routeHash({ page: 'run', flowRunId: link.flowRunId, taskRunId: link.taskRunId })}>
        {rerunOfText(names.task, names.run, link)}
      </a>
    </p>
  );
}

/** On a run others were made from: each of them, newest first, with its state and the task it went again from. */
export function RerunsList({ reruns, taskRuns }: { reruns: readonly RerunSummary[]; taskRuns: readonly TaskRun[] }) {
  if (reruns.length === 0) return null;
  return (
    <section className="fd-reruns" data-testid="reruns" aria-label="Runs made from this run">
      <h3>Runs made from this run</h3>
      <ul>
        {reruns.map((rerun) => (
          <li key={rerun.id} data-rerun={rerun.id}>
            <a className="fd-link" href={routeHash({ page: 'run', flowRunId: rerun.id })}>
              {rerun.name}
            </a>{' '}
            <span className={`fd-run-badge state-${rerun.state.type}`}>{rerun.state.name}</span>{' '}
            <span className="fd-muted">
              from task {taskRuns.find((run) => run.id === rerun.fromTaskRunId)?.name ?? rerun.fromTaskRunId.slice(0, 8)} ·{' '}
              {new Date(rerun.createdAt).toLocaleString()}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

type Origin = { run: TaskRun; flowRunName: string | null } | { error: string };

/** On a task run that reused a recorded result: the task run that computed it, linked; its flow run too when it is another. */
export function ReusedFromLine({ flowRunId, reusedFrom }: { flowRunId: string; reusedFrom: string }) {
  const { client } = useServices();
  const [origin, setOrigin] = useState<Origin | null>(null);
  useEffect(() => {
    let live = true;
    const read = async (): Promise<Origin> => {
      try {
        const run = await client.getTaskRun({ params: { id: reusedFrom } });
        if (run.flowRunId === flowRunId) return { run, flowRunName: null };
        const flowRun = await client.getFlowRun({ params: { id: run.flowRunId } }).catch(() => null);
        return { run, flowRunName: flowRun?.name ?? null };
      } catch (error) {
        return {
          error: `the task run it reused (${reusedFrom.slice(0, 8)}) could not be read: ${error instanceof Error ? error.message : String(error)}`,
        };
      }
    };
    void read().then((found) => {
      if (live) setOrigin(found);
    });
    return () => {
      live = false;
    };
  }, [client, flowRunId, reusedFrom]);
  if (origin === null) return <p className="fd-muted fd-reused-from">Result reused from another task run…</p>;
  if ('error' in origin) {
    return (
      <p className="fd-field-error fd-reused-from" data-testid="task-reused-from">
        Result reused: {origin.error}
      </p>
    );
  }
  const said = reusedFromText(origin.run, flowRunId, origin.flowRunName);
  return (
    <p className="fd-reused-from" data-testid="task-reused-from">
      <a
        className="fd-link"
        data-testid="task-reused-link"
        href={routeHash({ page: 'run', flowRunId: origin.run.flowRunId, taskRunId: origin.run.id })}
      >
        {said.text}
        {said.ofFlowRun ? ` ${said.ofFlowRun}` : ''}
      </a>
    </p>
  );
}
