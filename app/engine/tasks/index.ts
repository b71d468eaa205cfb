/** Ready-made tasks for common work; node kinds of the builder map to these. */
export { httpRequest, HttpStatusError, DEFAULT_HTTP_TIMEOUT_SECONDS, type HttpRequestOptions, type HttpResponse } from './http-request.js';
export { sqlQuery, SqlQueryError, type SqlQueryOptions, type SqlQueryResult } from './sql-query.js';
export { shellCommand, ShellCommandError, type ShellCommandOptions, type ShellCommandResult } from './shell-command.js';
export { readFile, type ReadFileOptions, type ReadEncoding } from './read-file.js';
export { writeFile, type WriteFileOptions, type WriteFileResult, type WriteEncoding } from './write-file.js';
export { transform, type TransformTask } from './transform.js';
export { notify, NOTIFY_LEVELS, type NotifyOptions, type NotifyResult, type NotifyLevel } from './notify.js';
