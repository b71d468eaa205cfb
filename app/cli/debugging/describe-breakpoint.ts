import type { ErrorInfo } from '../../core/index.js';

/** What a person needs to see of a task run held at a breakpoint. */
export interface HeldTaskRun {
  taskRunId: string;
  flowRunId: string;
  /** Whether it stopped on its last attempt's failure, rather than before it started. */
  onFailure: boolean;
  /** Its arguments as JSON text, or null when they cannot be written as JSON. */
  inputs: string | null;
}

/** The arguments spread out as JSON, so each can be read and copied into an edit. */
export function prettyInputs(inputs: string | null): string {
  if (inputs === null) return '(they cannot be written as JSON, so they cannot be edited)';
  try {
    return JSON.stringify(JSON.parse(inputs), null, 2);
  } catch {
    return inputs;
  }
}

/** An error as one line: its name and message. */
export function errorLine(error: ErrorInfo): string {
  return error.message ? `${error.name}: ${error.message}` : error.name;
}

/** The commands that answer the breakpoint, each with what it does, one a line. */
export function goOnCommands(run: HeldTaskRun): string[] {
  const id = run.taskRunId;
  const commands: [string, string][] = [
    [`flowdeck task-run continue ${id}`, 'run it, on to the next breakpoint'],
    [`flowdeck task-run continue ${id} --step`, 'run it, then stop before the next task run'],
    [`flowdeck task-run continue ${id} --inputs '[...]'`, 'run it with other arguments (a JSON array)'],
    [`flowdeck task-run skip ${id} --result JSON`, 'do not run it; it completes with this result'],
  ];
  if (run.onFailure) commands.push([`flowdeck task-run fail ${id}`, 'let it fail as it would have']);
  commands.push([`flowdeck flow-run continue ${run.flowRunId}`, 'let every stopped task run of the flow run go on']);
  const width = Math.max(...commands.map(([command]) => command.length));
  return commands.map(([command, what]) => `${command.padEnd(width)}  ${what}`);
}
