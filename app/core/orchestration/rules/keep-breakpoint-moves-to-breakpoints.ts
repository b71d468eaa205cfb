import { BREAKPOINT, CONTINUED, SKIPPED } from '../../debugging.js';
import type { ClientServices, OrchestrationRule } from '../types.js';

/**
 * A debug run's moves are the only ones through these doors: a task run stops at a Breakpoint
 * (from Pending before it starts, from Running when its last attempt failed), and leaves one only
 * as Continued (back to Pending, to start) or Skipped (Completed, never run). A flow run pauses
 * only as Paused, and nothing else goes from Pending to Paused or from Paused to Pending or
 * Completed.
 */
export const keepBreakpointMovesToBreakpoints: OrchestrationRule<ClientServices> = {
  name: 'KeepBreakpointMovesToBreakpoints',
  runKinds: ['flow', 'task'],
  from: ['PENDING', 'RUNNING', 'PAUSED'],
  to: ['PAUSED', 'PENDING', 'COMPLETED'],
  before(ctx) {
    const from = ctx.initial?.type;
    const { type, name } = ctx.proposed;
    const task = ctx.run.kind === 'task';
    const refuse = (why: string) => ({ decision: 'reject' as const, reason: why, code: 'TRANSITION_NOT_ALLOWED' as const });
    if (type === 'PAUSED' && from !== 'PAUSED') {
      if (name === BREAKPOINT && !task) return refuse('only a task run stops at a breakpoint');
      if (from === 'PENDING' && name !== BREAKPOINT) return refuse(`a run in state Pending cannot move to ${name}`);
      return;
    }
    if (from !== 'PAUSED' || type === 'PAUSED') return;
    const atBreakpoint = task && ctx.initial?.name === BREAKPOINT;
    if (type === 'PENDING' && !(atBreakpoint && name === CONTINUED)) return refuse(`a run in state ${ctx.initial?.name} cannot move to ${name}`);
    if (type === 'COMPLETED' && !(atBreakpoint && name === SKIPPED)) return refuse(`a run in state ${ctx.initial?.name} cannot move to ${name}`);
  },
};
