import type { BreakpointAnswer } from '../../core/index.js';
import type { StoppedTaskRun } from '../../engine/hosting.js';
import type { BreakpointReply, RunsSource } from '../runs-source/runs-source.js';
import { describeRefusal, describeReply } from './breakpoint-replies.js';
import { errorLine, prettyInputs } from './describe-breakpoint.js';
import { parsePromptLine, PROMPT_HELP, type PromptCommand } from './prompt-commands.js';

/** What the debugger asks of the store or server the run reports to. */
export type DebugAnswerer = Pick<RunsSource, 'answerBreakpoint' | 'continueFlowRun' | 'cancelFlowRun' | 'getTaskRun'>;

/** How long the runs of a map that stop together are gathered into one line. */
const GROUP_PRINT_DELAY_MS = 50;

/** Why a stop on a failure stopped: the engine names it so. */
const ON_FAILURE = 'its failure';

/**
 * A debugger's view of a debug run: which task runs are stopped, what to print when one stops,
 * and what each line typed at its prompt does. It answers through the runs source; it reads no
 * terminal and writes through `print`, so it runs the same under a terminal and under a test.
 */
export class DebugConsole {
  /** Stopped task runs in the order they stopped; the first is the one s, i, k, f and p act on. */
  private readonly stopped: StoppedTaskRun[] = [];
  /** Runs of a task already stopped that stopped since the last line about them, by flow run and task. */
  private readonly grouped = new Map<string, { run: StoppedTaskRun; count: number }>();
  private quitting = false;

  constructor(
    private readonly answerer: DebugAnswerer,
    private readonly rootFlowRunId: string,
    private readonly print: (line: string) => void,
  ) {}

  /** Whether any task run waits for an answer. */
  get waiting(): boolean {
    return this.stopped.length > 0 && !this.quitting;
  }

  /** The prompt: the task run the commands act on, and how many are stopped. */
  prompt(): string {
    const current = this.stopped[0];
    if (!current) return 'debug> ';
    const others = this.stopped.length - 1;
    return `debug ${current.taskRunName}${others > 0 ? ` (+${others} stopped)` : ''}> `;
  }

  /**
   * A task run stopped: the first of a batch is shown in full, another task's in a line, and more
   * runs of a task already stopped (a map's) in one line for all that stopped together.
   */
  async taskRunStopped(run: StoppedTaskRun): Promise<void> {
    if (this.stopped.some((known) => known.taskRunId === run.taskRunId)) return;
    const sameTask = this.stopped.some((known) => known.taskName === run.taskName && known.flowRunId === run.flowRunId);
    this.stopped.push(run);
    if (sameTask) {
      this.groupStop(run);
      return;
    }
    if (this.stopped.length > 1) {
      this.print(`also stopped: task run '${run.taskRunName}' at ${run.reason} (${this.stopped.length} stopped; c continues them all)`);
      return;
    }
    await this.show(run);
    this.print('type c to continue, s to step, i JSON to run with other inputs, k JSON to skip, ? for all');
  }

  /** Counts a run of a task already stopped, and says how many such runs stopped once they have come in. */
  private groupStop(run: StoppedTaskRun): void {
    const key = `${run.flowRunId}\u0000${run.taskName}`;
    const group = this.grouped.get(key);
    if (group) {
      group.count++;
      return;
    }
    this.grouped.set(key, { run, count: 1 });
    setTimeout(() => {
      const done = this.grouped.get(key);
      this.grouped.delete(key);
      if (!done || this.quitting) return;
      const runs = done.count === 1 ? `1 more task run` : `${done.count.toLocaleString('en')} more task runs`;
      this.print(
        `also stopped: ${runs} of task '${done.run.taskName}' at ${done.run.reason} (${this.stopped.length.toLocaleString('en')} stopped; c continues them all)`,
      );
    }, GROUP_PRINT_DELAY_MS);
  }

  /** An answer reached the run (typed here or given from another terminal): that run no longer waits. */
  answered(answer: Pick<BreakpointAnswer, 'taskRunId'>): void {
    this.forget([answer.taskRunId]);
  }

  /** Does what the line asks; prints what happened or why nothing did. */
  async handle(line: string): Promise<void> {
    const command = parsePromptLine(line);
    const current = this.stopped[0];
    switch (command.kind) {
      case 'nothing':
        return;
      case 'invalid':
        this.print(command.message);
        return;
      case 'help':
        for (const help of PROMPT_HELP) this.print(help);
        return;
      case 'quit':
        await this.quit();
        return;
    }
    if (!current) {
      this.print('no task run is stopped now');
      return;
    }
    if (command.kind === 'print') {
      await this.show(current);
      return;
    }
    if (command.kind === 'continue' && this.stopped.length > 1) {
      await this.continueAll();
      return;
    }
    if (command.kind === 'fail' && current.reason !== ON_FAILURE) {
      this.print(`f lets a task run fail only when it stopped on its failure; '${current.taskRunName}' stopped before it started`);
      return;
    }
    await this.reply(current, replyOf(command));
    const next = this.stopped[0];
    if (next && next !== current) this.print(`now at task run '${next.taskRunName}', stopped at ${next.reason} (p prints its inputs)`);
  }

  private async show(run: StoppedTaskRun): Promise<void> {
    this.print(`Task run '${run.taskRunName}' stopped at ${run.reason}`);
    if (run.reason === ON_FAILURE) {
      const error = (await this.answerer.getTaskRun(run.taskRunId))?.breakpoint?.error;
      if (error) this.print(`error: ${errorLine(error)}`);
    }
    this.print('inputs:');
    for (const line of prettyInputs(run.inputs).split('\n')) this.print(`  ${line}`);
  }

  private async reply(run: StoppedTaskRun, reply: BreakpointReply): Promise<void> {
    const outcome = await this.answerer.answerBreakpoint(run.taskRunId, reply);
    if (!outcome.ok) {
      this.print(describeRefusal(reply, outcome.message));
      // Answered elsewhere, or the run was cancelled: it no longer waits here.
      if (outcome.reason !== 'INVALID_INPUT') this.forget([run.taskRunId]);
      return;
    }
    this.forget([run.taskRunId]);
    this.print(describeReply(reply, { id: run.taskRunId, name: run.taskRunName }));
  }

  /** Every stopped task run goes on, flow run by flow run (a subflow's are its own). */
  private async continueAll(): Promise<void> {
    const flowRunIds = [...new Set(this.stopped.map((run) => run.flowRunId))];
    for (const flowRunId of flowRunIds) {
      const outcome = await this.answerer.continueFlowRun(flowRunId, false);
      if (!outcome.ok) {
        this.print(`Cannot continue: ${outcome.message}.`);
        this.forget(this.stopped.filter((run) => run.flowRunId === flowRunId).map((run) => run.taskRunId));
        continue;
      }
      this.forget(outcome.continued);
      this.print(`Continued ${outcome.continued.length} task run${outcome.continued.length === 1 ? '' : 's'}.`);
    }
  }

  private async quit(): Promise<void> {
    const result = await this.answerer.cancelFlowRun(this.rootFlowRunId);
    if (result.status === 'ACCEPT' || result.state?.type === 'CANCELLING') {
      this.quitting = true;
      this.print('Cancelling the flow run; its process stops within a second.');
    } else this.print(`Cannot cancel the flow run: ${result.reason ?? 'the store refused'}.`);
  }

  private forget(taskRunIds: readonly string[]): void {
    for (const id of taskRunIds) {
      const at = this.stopped.findIndex((run) => run.taskRunId === id);
      if (at >= 0) this.stopped.splice(at, 1);
    }
  }
}

function replyOf(command: Exclude<PromptCommand, { kind: 'nothing' | 'invalid' | 'help' | 'quit' | 'print' }>): BreakpointReply {
  switch (command.kind) {
    case 'continue':
      return { action: 'continue' };
    case 'step':
      return { action: 'step' };
    case 'inputs':
      return { action: 'continue', inputs: command.inputs };
    case 'skip':
      return { action: 'skip', result: command.result };
    case 'fail':
      return { action: 'fail' };
  }
}
