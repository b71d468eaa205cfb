import type { Problem } from '../../../core/flow-document/graph.js';

/** What to ask before a run: the errors the graph shows, which the run would likely trip over. */
export interface RunCheck {
  errors: Problem[];
  /** "2 errors", for the question's title. */
  summary: string;
}

/** The errors to ask about before running, or null when there are none and the run goes ahead. */
export function checkBeforeRun(problems: readonly Problem[]): RunCheck | null {
  const errors = problems.filter((p) => p.severity === 'error');
  if (errors.length === 0) return null;
  return { errors, summary: `${errors.length} error${errors.length === 1 ? '' : 's'}` };
}
