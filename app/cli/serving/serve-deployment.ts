import type { Deployment } from '../../core/api/deployments.js';
import { crashActiveRuns } from '../../engine/hosting.js';
import type { CliContext } from '../context.js';
import type { AnyFlow } from '../flow-files/load-flow-file.js';
import { printServing } from './serve-banner.js';
import type { ServeBackend } from './serve-backend.js';
import { ServeLoop } from './serve-loop.js';

function clock(): string {
  return new Date().toISOString().slice(11, 19);
}

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** A deployment this process serves: its flow, as stored, and how many of its runs run at once. */
export interface ServedHere {
  flow: AnyFlow;
  deployment: Deployment;
  limit: number;
}

/**
 * Runs the due runs of the served deployments in this process until SIGINT or SIGTERM: then it
 * takes no more, lets the running ones finish (a second signal records them Crashed and stops
 * them), pauses each deployment and resolves once they have ended.
 */
export async function serveDeployments(ctx: CliContext, backend: ServeBackend, served: readonly ServedHere[]): Promise<void> {
  const c = ctx.colors;
  for (const { deployment, limit } of served) printServing(ctx, deployment, backend.where, limit);
  const stopScheduling = backend.startScheduling();
  const gone = new Set<string>();
  const loops = served.map(
    ({ flow, deployment, limit }) =>
      new ServeLoop(backend, deployment, flow, limit, {
        started: ({ flowRun }) => ctx.print(`${c.gray(clock())} started ${flowRun.name} ${c.gray(flowRun.id)}`),
        ended: ({ flowRun }, outcome) =>
          ctx.print(`${c.gray(clock())} ${flowRun.name} ${'state' in outcome ? outcome.state : `could not run: ${errorText(outcome.error)}`}`),
        note: (text) => ctx.note(text),
        gone: (error) => {
          gone.add(deployment.id);
          ctx.note(`${error.message}: taking no more runs`);
        },
        claimFailed: (error, retryInMs) =>
          ctx.note(`${c.yellow('warning:')} could not take runs from ${backend.where} (${errorText(error)}); trying again in ${retryInMs / 1000}s`),
      }),
  );
  const names = served.map(({ deployment }) => deployment.fullName).join(', ');
  let signals = 0;
  let forceStop: () => void = () => {};
  // A flow that does not heed its cancellation keeps its promise open: the second signal ends serving anyway.
  const forced = new Promise<void>((resolve) => (forceStop = resolve));
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals === 1) {
      for (const loop of loops) loop.stop();
      const running = loops.reduce((sum, loop) => sum + loop.runningCount, 0);
      ctx.note(
        running === 0
          ? `received ${signal}: taking no more runs`
          : `received ${signal}: taking no more runs; waiting for ${running} running run${running === 1 ? '' : 's'} to finish (Ctrl+C again stops ${running === 1 ? 'it' : 'them'})`,
      );
      return;
    }
    if (signals === 2) {
      ctx.note(`received ${signal} again: stopping the running runs, recorded as Crashed`);
      void crashActiveRuns(`the serve process of ${names} was stopped`).finally(forceStop);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await Promise.race([Promise.all(loops.map((loop) => loop.done)), forced]);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await stopScheduling();
  }
  for (const { deployment } of served) {
    if (gone.has(deployment.id)) ctx.print(`stopped serving ${deployment.fullName}`);
    else await pauseServed(ctx, backend, deployment);
  }
}

/**
 * With nothing left to run them, the deployment's scheduled runs would only turn Late: it is
 * paused, which deletes them, until it is served again (which resumes it).
 */
async function pauseServed(ctx: CliContext, backend: ServeBackend, deployment: Deployment): Promise<void> {
  try {
    await backend.pause(deployment);
  } catch (error) {
    ctx.print(`stopped serving ${deployment.fullName}`);
    ctx.note(
      `${ctx.colors.yellow('warning:')} could not pause ${deployment.fullName} on ${backend.where} (${errorText(error)}); ` +
        `its scheduled runs stay and turn Late until it is served again (or: flowdeck deployment pause ${deployment.fullName})`,
    );
    return;
  }
  const what = deployment.schedules.length > 0 ? 'its schedules are paused' : 'it is paused';
  ctx.print(`stopped serving ${deployment.fullName}; ${what} until it is served again`);
}
