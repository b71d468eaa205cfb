/**
 * Exit codes: 0 success, 1 a run that did not complete, 2 bad input, 3 the server or the local
 * database could not be used (unreachable, refused the API key, failed, or could not write).
 */
export const EXIT_OK = 0;
export const EXIT_RUN_FAILED = 1;
export const EXIT_BAD_INPUT = 2;
export const EXIT_SERVER = 3;
export type ExitCode = typeof EXIT_OK | typeof EXIT_RUN_FAILED | typeof EXIT_BAD_INPUT | typeof EXIT_SERVER;

/** Something the person typed or pointed at is wrong; the message says what. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
