import { createInterface, type Interface } from 'node:readline';
import type { DebugListener } from '../../engine/hosting.js';
import type { RunProgress } from '../output/run-progress.js';
import type { DebugConsole } from './debug-console.js';

/**
 * The debugger's prompt on a terminal: shown while a task run is stopped, each line typed handed
 * to the console. The prompt's logic is the console's; this only wires it to the terminal.
 */
export class TerminalDebugger {
  private reader: Interface | null = null;
  /** Stops and typed lines are handled one at a time, in the order they came. */
  private queue: Promise<void> = Promise.resolve();
  /** Stops heard but not yet shown: the terminal stays held for them. */
  private stopsToShow = 0;

  constructor(
    private readonly debugConsole: DebugConsole,
    private readonly progress: RunProgress,
    private readonly input: NodeJS.ReadStream,
    private readonly output: NodeJS.WriteStream,
  ) {}

  readonly listener: DebugListener = {
    stopped: (run) => {
      // The live status line gives way at once, before the stop is printed.
      this.progress.holdForPrompt(() => this.redraw());
      this.stopsToShow++;
      this.enqueue(async () => {
        this.stopsToShow--;
        await this.debugConsole.taskRunStopped(run);
      });
    },
    answered: (answer) => {
      this.debugConsole.answered(answer);
      this.enqueue(async () => {});
    },
  };

  /** The prompt again below a line written above it, saying what is stopped now. */
  private redraw(): void {
    if (!this.reader) return;
    this.reader.setPrompt(this.debugConsole.prompt());
    this.reader.prompt(true);
  }

  close(): void {
    this.closeReader();
  }

  private enqueue(work: () => Promise<void>): void {
    this.queue = this.queue
      .then(work)
      .catch((error: unknown) => this.progress.line(`error: ${(error as Error)?.message ?? String(error)}`))
      .then(() => this.promptOrClose());
  }

  private promptOrClose(): void {
    if (!this.debugConsole.waiting) {
      if (this.stopsToShow === 0) this.closeReader();
      return;
    }
    const reader = this.openReader();
    reader.setPrompt(this.debugConsole.prompt());
    reader.prompt();
  }

  private openReader(): Interface {
    if (this.reader) return this.reader;
    const reader = createInterface({ input: this.input, output: this.output, terminal: true });
    reader.on('line', (line) => this.enqueue(() => this.debugConsole.handle(line)));
    // The terminal is in raw mode while the prompt reads: Ctrl+C stops the run as it would without the prompt.
    reader.on('SIGINT', () => process.kill(process.pid, 'SIGINT'));
    // Ctrl+D closes it: the run waits on, for the task-run commands, until the prompt is shown again.
    reader.on('close', () => {
      if (this.reader !== reader) return;
      this.reader = null;
      this.progress.holdForPrompt(null);
    });
    this.reader = reader;
    return reader;
  }

  private closeReader(): void {
    this.progress.holdForPrompt(null);
    if (!this.reader) return;
    const reader = this.reader;
    this.reader = null;
    // The prompt's line is cleared for the run's lines that follow.
    this.output.write('\r\u001b[2K');
    reader.close();
  }
}
