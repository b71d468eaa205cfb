import type { FastifyInstance } from 'fastify';
import type { BreakpointOutcome } from '../../store/task-run-breakpoints.js';
import { HttpError, notFound } from '../errors.js';
import { addRoute } from '../route.js';
import type { RouteDeps } from './deps.js';

/** A refused answer as the HTTP status that says why. */
function refused(outcome: Extract<BreakpointOutcome, { ok: false }>): HttpError {
  const status = outcome.reason === 'NOT_FOUND' ? 404 : outcome.reason === 'INVALID_INPUT' ? 422 : 409;
  return new HttpError(status, outcome.message);
}

/** Debugging real runs: answering breakpoints, and the read a paused run's process waits on. */
export async function breakpointRoutes(api: FastifyInstance, { store }: RouteDeps): Promise<void> {
  // Reads held open for an answer end when the server closes, rather than holding it up.
  const closing = new AbortController();
  api.addHook('preClose', async () => closing.abort(new Error('the server is closing')));

  addRoute(api, 'continueTaskRun', async ({ params, body }) => {
    const outcome = await store.answerBreakpoint(params.id, {
      action: body.step ? 'step' : 'continue',
      ...(body.inputs ? { inputs: body.inputs } : {}),
    });
    if (!outcome.ok) throw refused(outcome);
    return outcome.run;
  });

  addRoute(api, 'skipTaskRun', async ({ params, body }) => {
    const outcome = await store.answerBreakpoint(params.id, { action: 'skip', result: body.result });
    if (!outcome.ok) throw refused(outcome);
    return outcome.run;
  });

  addRoute(api, 'failTaskRun', async ({ params }) => {
    const outcome = await store.answerBreakpoint(params.id, { action: 'fail' });
    if (!outcome.ok) throw refused(outcome);
    return outcome.run;
  });

  addRoute(api, 'continueFlowRun', async ({ params, body }) => {
    const outcome = await store.continueFlowRun(params.id, body.step ? 'step' : 'continue');
    if (!outcome.ok) throw refused(outcome);
    return { flowRunId: params.id, continued: outcome.continued };
  });

  addRoute(api, 'breakFlowRun', async ({ params }) => {
    const outcome = await store.breakAll(params.id);
    if (!outcome.ok) throw new HttpError(outcome.reason === 'NOT_FOUND' ? 404 : 409, outcome.message);
    return { flowRunId: params.id };
  });

  addRoute(api, 'listBreakpointAnswers', async ({ params, query }, reply) => {
    if (!(await store.hasFlowRun(params.id))) throw notFound('flow run', params.id);
    const gone = new AbortController();
    const stop = () => gone.abort(new Error('the client went away'));
    reply.raw.once('close', stop);
    try {
      return await store.breakpointAnswers(params.id, query.after, query.waitMs, AbortSignal.any([gone.signal, closing.signal]));
    } catch (error) {
      // A client that went away hears nothing; a closing server ends the wait with no answers.
      if (closing.signal.aborted || gone.signal.aborted) return [];
      throw error;
    } finally {
      reply.raw.off('close', stop);
    }
  });
}
