import { ApiError, ApiUnreachableError } from '../core/api/index.js';
import { describeSource } from '../core/index.js';
import type { CliContext } from './context.js';
import { EXIT_BAD_INPUT, EXIT_SERVER } from './errors.js';

interface ServerFailure {
  /** One line: what went wrong and what to do about it. */
  message: string;
  exitCode: number;
}

const SET_KEY = "set it in the environment (FLOWDECK_API_KEY=...) or in the profile with 'flowdeck config set FLOWDECK_API_KEY=...'";

/** The server's API base as the settings name it, else as the failed request did. */
function serverUrl(ctx: CliContext, fallback: string): string {
  try {
    const server = ctx.server;
    return server.kind === 'remote' ? server.apiUrl : fallback;
  } catch {
    return fallback;
  }
}

/** Where the API key the CLI sent came from, or null when it sent none. */
function keySource(ctx: CliContext): string | null {
  try {
    const { values, sources } = ctx.loadedSettings.resolved;
    return values.FLOWDECK_API_KEY === null ? null : describeSource(sources.FLOWDECK_API_KEY);
  } catch {
    return null;
  }
}

/**
 * What to tell a person when talking to the Flowdeck server failed, or null when the error is not
 * about the server. Unreachable, key refused, or the server's own failure exit 3; a request the
 * server refused as bad input exits 2, as bad input given locally does.
 */
export function describeServerFailure(error: unknown, ctx: CliContext): ServerFailure | null {
  if (error instanceof ApiUnreachableError) {
    return {
      message: `cannot reach the Flowdeck server at ${error.baseUrl} (${error.reason}); is it running? 'flowdeck config view' shows which server this profile uses`,
      exitCode: EXIT_SERVER,
    };
  }
  if (!(error instanceof ApiError)) return null;
  const url = serverUrl(ctx, error.url);
  if (error.status === 401 || error.status === 403) {
    const source = keySource(ctx);
    const message =
      source === null
        ? `the Flowdeck server at ${url} requires an API key and none is set; ${SET_KEY}`
        : `the Flowdeck server at ${url} refused the API key (FLOWDECK_API_KEY from ${source}); ${SET_KEY.replace('set it', 'set the right one')}`;
    return { message, exitCode: EXIT_SERVER };
  }
  const badInput = error.status >= 400 && error.status < 500;
  return {
    message: `the Flowdeck server at ${url} answered ${error.status}: ${error.message}`,
    exitCode: badInput ? EXIT_BAD_INPUT : EXIT_SERVER,
  };
}
