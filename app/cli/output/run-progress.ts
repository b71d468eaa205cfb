import type { LogLine, StateType } from '../../core/index.js';
import { logLevelName } from '../../core/log-levels.js';
import { isTerminal } from '../../core/state-model.js';
import type { RunEvent } from '../../engine/hosting.js';
import type { CliContext } from '../context.js';
import { formatStateName } from './format.js';

const LEVEL_COLORS = { DEBUG: 'gray', INFO: 'cyan', WARNING: 'yellow', ERROR: 'red', CRITICAL: 'red' } as const;
const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

function clock(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/**
 * What `flowdeck run` shows while a flow runs: its log lines, the flow's states, retries and
 * failures of task runs, and on a terminal a live line of task counts.
 */
export class RunProgress {
  private readonly taskStates = new Map<string, StateType>();
  private readonly taskStateNames = new Map<string, string>();
  private statusShown = false;
  private lastDraw = 0;
  private frame = 0;
  private readonly live: boolean;
  private timer: NodeJS.Timeout | null = null;
  /** Set while a debugger's prompt is on screen: no live line, and the prompt drawn again below each line written. */
  private redrawPrompt: (() => void) | null = null;

  constructor(private readonly ctx: CliContext) {
    this.live = ctx.stderr.isTTY;
    if (this.live) {
      this.timer = setInterval(() => this.draw(true), 100);
      this.timer.unref();
    }
  }

  private write(text: string): void {
    this.clearStatus();
    if (this.redrawPrompt) this.ctx.stderr.write('\r\u001b[2K');
    this.ctx.stderr.write(`${text}\n`);
    if (this.redrawPrompt) this.redrawPrompt();
    else this.draw(true);
  }

  /** Gives the terminal's last line to a prompt (which is drawn again after each line written), or takes it back with null. */
  holdForPrompt(redraw: (() => void) | null): void {
    this.clearStatus();
    this.redrawPrompt = redraw;
  }

  /** A plain line of its own above the live status (or a debugger's prompt). */
  line = (text: string): void => {
    this.write(text);
  };

  /** A line of its own above the live status, e.g. about the connection to the server. */
  note = (text: string): void => {
    this.write(this.ctx.colors.yellow(text));
  };

  logLine = (line: LogLine, runName: string): void => {
    const level = logLevelName(line.level);
    const c = this.ctx.colors;
    const paint = c[LEVEL_COLORS[level]] as (s: string) => string;
    this.write(`${c.gray(clock(line.timestamp))} ${paint(level.padEnd(8))} ${c.bold(runName)} ${c.gray('-')} ${line.message}`);
  };

  event = (event: RunEvent): void => {
    const c = this.ctx.colors;
    const state = formatStateName(event.state, c);
    if (event.kind === 'flow') {
      const detail = event.state.message && event.state.type !== 'COMPLETED' ? ` ${c.gray(`(${event.state.message})`)}` : '';
      this.write(`${c.gray(clock(event.state.timestamp))} ${c.bold(`Flow run '${event.runName}'`)} ${state}${detail}`);
      return;
    }
    this.taskStates.set(event.runId, event.state.type);
    this.taskStateNames.set(event.runId, event.state.name);
    const s = event.state;
    if (s.name === 'AwaitingRetry' || s.type === 'FAILED' || s.type === 'CRASHED') {
      const why = s.error ? `${s.error.name}: ${s.error.message}` : (s.message ?? '');
      this.write(`${c.gray(clock(s.timestamp))} ${'Task run'} ${c.bold(`'${event.runName}'`)} ${state} ${c.gray(`(attempt ${s.attempt}) ${why}`)}`);
    }
    this.draw(false);
  };

  private counts(): { done: number; running: number; failed: number; total: number } {
    let done = 0;
    let running = 0;
    let failed = 0;
    for (const type of this.taskStates.values()) {
      if (type === 'COMPLETED') done++;
      else if (type === 'RUNNING') running++;
      // Over without completing: Failed, Crashed or Cancelled.
      else if (isTerminal(type)) failed++;
    }
    return { done, running, failed, total: this.taskStates.size };
  }

  private clearStatus(): void {
    if (!this.statusShown) return;
    this.ctx.stderr.write('\r\u001b[2K');
    this.statusShown = false;
  }

  private draw(force: boolean): void {
    if (!this.live || this.taskStates.size === 0 || this.redrawPrompt) return;
    const now = Date.now();
    if (!force && now - this.lastDraw < 80) return;
    this.lastDraw = now;
    const { done, running, failed, total } = this.counts();
    const c = this.ctx.colors;
    const spinner = c.cyan(SPINNER[this.frame++ % SPINNER.length]);
    const parts = [`${done}/${total} task runs done`, `${running} running`];
    if (failed > 0) parts.push(c.red(`${failed} failed`));
    this.ctx.stderr.write(`\r\u001b[2K${spinner} ${parts.join(' · ')}`);
    this.statusShown = true;
  }

  /** Stops the live line and returns a one-line summary of the task runs. */
  finish(): string | null {
    if (this.timer) clearInterval(this.timer);
    this.clearStatus();
    // A debugger's prompt still shown (the run ended while a task run was stopped) gives way to the outcome.
    if (this.redrawPrompt) this.ctx.stderr.write('\r\u001b[2K');
    this.redrawPrompt = null;
    if (this.taskStates.size === 0) return null;
    const byName = new Map<string, number>();
    for (const name of this.taskStateNames.values()) byName.set(name, (byName.get(name) ?? 0) + 1);
    const parts = [...byName.entries()].map(([name, n]) => `${n} ${name}`);
    return `${this.taskStates.size} task run${this.taskStates.size === 1 ? '' : 's'}: ${parts.join(', ')}`;
  }
}
