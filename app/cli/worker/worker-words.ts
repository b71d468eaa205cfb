import type { ExitStatus } from './flow-process.js';

export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

export function exitText(status: ExitStatus): string {
  if (status.runEnded) return 'its shared process is done with it';
  return status.signal ? `signal ${status.signal}` : status.code === null ? 'it could not start' : `exit code ${status.code}`;
}
