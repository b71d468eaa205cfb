import { sep } from 'node:path';

/** Longer than any message the CLI writes for a person; the rest is in the run's log. */
const MAX_MESSAGE = 2000;

/**
 * The CLI's own explanation of a failure, from its stderr, as one line: the last `error:` line
 * and what follows it (a compile error's location and code), without the usage reminder. Paths
 * inside the workspace are shown relative to it, as the caller named them.
 */
export function cliFailureMessage(output: string, workspaceRoots: readonly string[]): string | null {
  const lines = output.split(/\r?\n/);
  let start = -1;
  for (let i = lines.length - 1; i >= 0; i--) {
    if (lines[i].startsWith('error: ')) {
      start = i;
      break;
    }
  }
  if (start < 0) return null;
  const kept: string[] = [];
  for (const line of lines.slice(start)) {
    if (line.startsWith('Usage: ')) break;
    if (line.trim() !== '') kept.push(line.trim());
  }
  let message = kept.join(' ').replace(/^error: /, '');
  for (const root of workspaceRoots) {
    const prefix = root.endsWith(sep) ? root : `${root}${sep}`;
    message = message.split(prefix).join('');
  }
  return message.length > MAX_MESSAGE ? `${message.slice(0, MAX_MESSAGE)}...` : message;
}
