import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';

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

/** One line typed at the terminal; `hidden` keeps what is typed off the screen, for secrets. */
export function askLine(question: string, options: { hidden?: boolean } = {}): Promise<string> {
  let muted = false;
  // What readline echoes goes through here: the question shows, the typed secret does not.
  const output = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      if (!muted) process.stderr.write(chunk);
      done();
    },
  });
  const lines = createInterface({ input: process.stdin, output, terminal: true });
  return new Promise((resolve, reject) => {
    lines.question(question, (answer) => {
      if (options.hidden) process.stderr.write('\n');
      lines.close();
      resolve(answer);
    });
    muted = options.hidden === true;
    lines.once('SIGINT', () => {
      lines.close();
      reject(new Error('stopped'));
    });
  });
}
