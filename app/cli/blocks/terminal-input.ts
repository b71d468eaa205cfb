import { createInterface, type Interface } from 'node:readline';
import { Writable } from 'node:stream';
import { UsageError } from '../errors.js';

/** Whether a person types at this process (prompts), rather than a pipe or a file feeding it. */
export function stdinIsTerminal(): boolean {
  return process.stdin.isTTY === true;
}

/** Everything piped to stdin, as text. */
export async function readAllStdin(): Promise<string> {
  let text = '';
  process.stdin.setEncoding('utf8');
  for await (const chunk of process.stdin) text += chunk as string;
  return text;
}

/**
 * Questions asked at the terminal, one line each; a hidden one keeps what is typed off the
 * screen, for secrets. One reader for all of them, so lines typed ahead are not lost between them.
 */
export class TerminalQuestions {
  private muted = false;
  private readonly lines: Interface;

  constructor() {
    // What readline echoes goes through here: questions show, a hidden answer does not.
    const output = new Writable({
      write: (chunk: Buffer | string, _encoding, done) => {
        if (!this.muted) process.stderr.write(chunk);
        done();
      },
    });
    this.lines = createInterface({ input: process.stdin, output, terminal: true });
  }

  ask(question: string, options: { hidden?: boolean } = {}): Promise<string> {
    return new Promise((resolve, reject) => {
      const stopped = () => reject(new UsageError('stopped at the prompt; nothing was saved'));
      this.lines.once('close', stopped);
      this.lines.question(question, (answer) => {
        this.lines.off('close', stopped);
        if (this.muted) process.stderr.write('\n');
        this.muted = false;
        resolve(answer);
      });
      this.muted = options.hidden === true;
    });
  }

  close(): void {
    this.lines.close();
  }
}

/** One question at the terminal. */
export async function askLine(question: string, options: { hidden?: boolean } = {}): Promise<string> {
  const questions = new TerminalQuestions();
  try {
    return await questions.ask(question, options);
  } finally {
    questions.close();
  }
}
