/**
 * Defaults that a command's help names and its code applies, here so the command table can show
 * them without loading the command. `server start` applies the server's own defaults, which a test
 * holds equal to these.
 */
export const FLOW_RUN_LS_LIMIT = { default: 20, max: 10_000 } as const;

export const SERVER_START_DEFAULTS = { host: '127.0.0.1', port: 4300 } as const;
