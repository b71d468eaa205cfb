/** The server answered, but not with success: `status` is its HTTP status, `message` its explanation. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly method: string,
    readonly url: string,
    /** For a value checked against a schema: each part that did not fit, with its path and why. */
    readonly issues: readonly { path: (string | number)[]; message: string }[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** No answer at all: the server is down, the address is wrong, or the request timed out. */
export class ApiUnreachableError extends Error {
  constructor(
    readonly baseUrl: string,
    readonly reason: string,
  ) {
    super(`cannot reach ${baseUrl} (${reason}); is the server running, and is FLOWDECK_API_URL right?`);
    this.name = 'ApiUnreachableError';
  }
}
