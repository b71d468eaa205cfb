/**
 * The node kinds the builder offers, as data: what the palette lists, what the side panel edits
 * and validates, and which code shape each kind is written as and read from. Parsing, generating,
 * editing and validating all go through these entries, so a new kind is a new entry here. The
 * built-in tasks' fields take their checks and defaults from the tasks' own inputs (task-inputs.ts).
 */
import { z } from 'zod';
import {
  FILE_ENCODINGS,
  HttpRequestInput,
  inputField,
  NOTIFY_LEVELS,
  NotifyInput,
  ReadFileInput,
  ShellCommandInput,
  SqlQueryInput,
  WriteFileInput,
} from '../task-inputs.js';
import { CACHE_POLICIES } from './graph.js';

export const SDK_MODULE = 'flowdeck';
export const TASKS_MODULE = 'flowdeck/tasks';

/** What the SDK exports; generated imports take these names from `flowdeck` when code uses them. */
export const SDK_EXPORTS = [
  'flow',
  'task',
  'pauseFlowRun',
  'getRunLogger',
  'getRunContext',
  'unmapped',
  'waitFor',
  'allowFailure',
  'exponentialBackoff',
  'CachePolicies',
  'ConcurrentTaskRunner',
  'WorkerThreadTaskRunner',
  'TaskRunFuture',
  'FutureList',
  'Unmapped',
  'AllowFailure',
  'WaitFor',
  'CancelledError',
  'TimeoutError',
  'RunAbortedError',
  'UpstreamFailedError',
  'ParameterValidationError',
  'Secret',
  'loadBlock',
] as const;

/** How the side panel edits a field. 'code' values are TypeScript written into the file as is. */
export type FieldControl = 'text' | 'multiline' | 'number' | 'boolean' | 'select' | 'list' | 'keyValue' | 'json' | 'code';

export interface FieldSpec {
  readonly name: string;
  readonly label: string;
  readonly description: string;
  readonly control: FieldControl;
  readonly schema: z.ZodType;
  readonly required: boolean;
  /** What the task uses when the field is left out (shown as a placeholder). */
  readonly default?: unknown;
  /** For 'select'. */
  readonly choices?: readonly string[];
  /** Shown as a handle on the canvas: usually fed by another node's result. */
  readonly input?: boolean;
  /** What a connected result must be, when the control does not say it (see handle-types.ts). */
  readonly accepts?: ValueType;
  /**
   * The block types the field can take by reference instead of a value ('secret' for a secret's
   * string), so a credential is loaded by name when the run starts and never written into the file.
   */
  readonly credentialTypes?: readonly string[];
}

/** What a value is, as far as connecting handles goes; 'any' when nothing is known. */
export type ValueType = 'any' | 'string' | 'number' | 'boolean' | 'list' | 'object';

/** What a step's result is; for objects, the types of the properties other steps read. */
interface ResultType {
  readonly type: ValueType;
  readonly properties?: Readonly<Record<string, ValueType>>;
}

/** How the arguments of a call are written. */
export type ArgumentStyle = { readonly style: 'object' } | { readonly style: 'positional'; readonly names: readonly string[] };

/**
 * The code shape of a kind. Each form is one way of writing a step:
 * - library: `const x = fn.withOptions({...})` with `fn` from flowdeck/tasks, called `await x(args)`
 * - task:    `const x = task({...}, async (...) => {...})`, called `await x(...)` or, mapped,
 *            `await x.map(items).result()` (or `x.map(items)`, its futures, read later with `.result()`)
 * - flow:    a child flow (`const x = flow(...)` or a default import), called `await x({...})` or `await x(a, b)`
 * Any of them may also be returned (`return x(...)`) or run once per item of a list
 * (`await Promise.all(list.map((item) => x(item)))`).
 * - sdkCall: a call of an SDK function inside the flow, `const x = await fn({...})`
 * - if:      an `if`/`else` around other steps
 * Each form is read, written and edited by its codec in shapes/.
 */
export type KindSyntax =
  | { readonly form: 'library'; readonly fn: string; readonly args: ArgumentStyle }
  | { readonly form: 'task'; readonly call: 'direct' | 'map' }
  | { readonly form: 'flow' }
  | { readonly form: 'sdkCall'; readonly fn: string; readonly args: ArgumentStyle }
  | { readonly form: 'if' };

type KindCategory = 'code' | 'network' | 'data' | 'files' | 'system' | 'messaging' | 'control';

export interface NodeKind {
  readonly id: string;
  readonly label: string;
  readonly category: KindCategory;
  readonly description: string;
  readonly syntax: KindSyntax;
  readonly fields: readonly FieldSpec[];
  /** The fields shown as handles; for kinds whose inputs are their function's parameters, empty. */
  readonly inputs: readonly string[];
  /** The inputs are the parameters of the node's own function (code, map). */
  readonly parametersFromCode?: boolean;
  /** Any argument name is accepted (a child flow's parameters). */
  readonly openFields?: boolean;
  /** Whether the common task options (retries, caching, tags...) apply. */
  readonly taskOptions: boolean;
  /** The identifier a new node of this kind is given, made unique. */
  readonly defaultId: string;
  /** What a new node of this kind is written with. */
  readonly initialFields: Readonly<Record<string, unknown>>;
  /** The function (or child flow) a new node starts with, for kinds that carry code. */
  readonly initialCode?: (name: string) => string;
  /**
   * What the step's result is, when the kind says it (by its literal fields when they decide it);
   * kinds that carry code take it from their function, and 'none' means there is no result.
   */
  readonly result?: ResultType | 'none' | ((fields: Readonly<Record<string, unknown>>) => ResultType);
}

function field(spec: Omit<FieldSpec, 'required'> & { required?: boolean }): FieldSpec {
  return { required: false, ...spec };
}

const positiveSeconds = z.number().positive();

const timeoutField = field({
  name: 'timeoutSeconds',
  label: 'Timeout (s)',
  description: 'Give up after this many seconds',
  control: 'number',
  schema: positiveSeconds,
});

function inputsOf(fields: readonly FieldSpec[]): string[] {
  return fields.filter((f) => f.input).map((f) => f.name);
}

function kind(spec: Omit<NodeKind, 'inputs'>): NodeKind {
  return { ...spec, inputs: inputsOf(spec.fields) };
}

export const NODE_KINDS: readonly NodeKind[] = [
  kind({
    id: 'code',
    label: 'Code',
    category: 'code',
    description: 'A TypeScript task with its own body',
    syntax: { form: 'task', call: 'direct' },
    fields: [],
    parametersFromCode: true,
    taskOptions: true,
    defaultId: 'step',
    initialFields: {},
    initialCode: () => 'async (input: unknown) => {\n  return input;\n}',
  }),
  kind({
    id: 'httpRequest',
    label: 'HTTP request',
    category: 'network',
    description: 'Call a URL and get its status, headers and body',
    syntax: { form: 'library', fn: 'httpRequest', args: { style: 'object' } },
    fields: [
      field({
        name: 'url',
        label: 'URL',
        description: 'The address to call',
        control: 'text',
        ...inputField(HttpRequestInput, 'url'),
        required: true,
        input: true,
        credentialTypes: ['secret'],
      }),
      field({
        name: 'method',
        label: 'Method',
        description: 'The HTTP method',
        control: 'select',
        ...inputField(HttpRequestInput, 'method'),
        choices: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'],
      }),
      field({
        name: 'headers',
        label: 'Headers',
        description: 'Request headers',
        control: 'keyValue',
        ...inputField(HttpRequestInput, 'headers'),
        input: true,
      }),
      field({
        name: 'query',
        label: 'Query',
        description: 'Query string parameters',
        control: 'keyValue',
        ...inputField(HttpRequestInput, 'query'),
        input: true,
      }),
      field({
        name: 'body',
        label: 'Body',
        description: 'Sent as JSON unless it is a string',
        control: 'json',
        ...inputField(HttpRequestInput, 'body'),
        input: true,
      }),
      field({
        name: 'auth',
        label: 'Authentication',
        description: 'An http-auth block: a bearer token, or a user and password',
        control: 'json',
        ...inputField(HttpRequestInput, 'auth'),
        credentialTypes: ['http-auth'],
      }),
      { ...timeoutField, ...inputField(HttpRequestInput, 'timeoutSeconds') },
      field({
        name: 'expectStatus',
        label: 'Expected status',
        description: 'The statuses that count as success (any 2xx when empty)',
        control: 'list',
        ...inputField(HttpRequestInput, 'expectStatus'),
      }),
    ],
    taskOptions: true,
    defaultId: 'fetchData',
    result: { type: 'object', properties: { status: 'number', ok: 'boolean', headers: 'object', body: 'any' } },
    initialFields: { url: 'https://example.com', method: 'GET' },
  }),
  kind({
    id: 'sqlQuery',
    label: 'SQL query',
    category: 'data',
    description: 'Run a SQL statement and get its rows',
    syntax: { form: 'library', fn: 'sqlQuery', args: { style: 'object' } },
    fields: [
      field({
        name: 'connection',
        label: 'Connection',
        description: 'sqlite:path or postgres:// URL, or a secret or sql-connection block',
        control: 'text',
        ...inputField(SqlQueryInput, 'connection'),
        required: true,
        credentialTypes: ['secret', 'sql-connection'],
      }),
      field({
        name: 'sql',
        label: 'SQL',
        description: 'The statement; ? or $1 for parameters',
        control: 'multiline',
        ...inputField(SqlQueryInput, 'sql'),
        required: true,
      }),
      field({
        name: 'params',
        label: 'Parameters',
        description: 'Values for the placeholders',
        control: 'json',
        ...inputField(SqlQueryInput, 'params'),
        input: true,
        accepts: 'list',
      }),
    ],
    taskOptions: true,
    defaultId: 'runQuery',
    result: { type: 'object', properties: { rows: 'list', rowCount: 'number' } },
    initialFields: { connection: 'sqlite:data.db', sql: 'select 1' },
  }),
  kind({
    id: 'shellCommand',
    label: 'Shell command',
    category: 'system',
    description: 'Run a program and get its exit code and output',
    syntax: { form: 'library', fn: 'shellCommand', args: { style: 'object' } },
    fields: [
      field({
        name: 'command',
        label: 'Command',
        description: 'The program to run',
        control: 'text',
        ...inputField(ShellCommandInput, 'command'),
        required: true,
      }),
      field({
        name: 'args',
        label: 'Arguments',
        description: 'Passed to the program as they are',
        control: 'list',
        ...inputField(ShellCommandInput, 'args'),
        input: true,
      }),
      field({
        name: 'cwd',
        label: 'Working directory',
        description: 'Where the program runs',
        control: 'text',
        ...inputField(ShellCommandInput, 'cwd'),
      }),
      field({
        name: 'env',
        label: 'Environment',
        description: 'Extra environment variables',
        control: 'keyValue',
        ...inputField(ShellCommandInput, 'env'),
        input: true,
      }),
      field({
        name: 'input',
        label: 'Standard input',
        description: 'Written to the program',
        control: 'multiline',
        ...inputField(ShellCommandInput, 'input'),
        input: true,
      }),
      { ...timeoutField, ...inputField(ShellCommandInput, 'timeoutSeconds') },
      field({
        name: 'allowFailure',
        label: 'Allow failure',
        description: 'A non-zero exit code does not fail the task',
        control: 'boolean',
        ...inputField(ShellCommandInput, 'allowFailure'),
      }),
    ],
    taskOptions: true,
    defaultId: 'runCommand',
    result: { type: 'object', properties: { exitCode: 'number', stdout: 'string', stderr: 'string' } },
    initialFields: { command: 'echo', args: ['hello'] },
  }),
  kind({
    id: 'readFile',
    label: 'Read file',
    category: 'files',
    description: 'Read a file as text or bytes',
    syntax: { form: 'library', fn: 'readFile', args: { style: 'object' } },
    fields: [
      field({
        name: 'path',
        label: 'Path',
        description: 'The file to read',
        control: 'text',
        ...inputField(ReadFileInput, 'path'),
        required: true,
        input: true,
      }),
      field({
        name: 'encoding',
        label: 'Encoding',
        description: 'How the bytes are decoded',
        control: 'select',
        ...inputField(ReadFileInput, 'encoding'),
        choices: FILE_ENCODINGS,
      }),
    ],
    taskOptions: true,
    defaultId: 'readInput',
    result: (fields) => ({ type: fields.encoding === 'json' ? 'any' : 'string' }),
    initialFields: { path: 'input.txt' },
  }),
  kind({
    id: 'writeFile',
    label: 'Write file',
    category: 'files',
    description: 'Write text or bytes to a file',
    syntax: { form: 'library', fn: 'writeFile', args: { style: 'object' } },
    fields: [
      field({
        name: 'path',
        label: 'Path',
        description: 'The file to write',
        control: 'text',
        ...inputField(WriteFileInput, 'path'),
        required: true,
        input: true,
      }),
      field({
        name: 'content',
        label: 'Content',
        description: 'What to write (JSON for the json encoding)',
        control: 'json',
        ...inputField(WriteFileInput, 'content'),
        required: true,
        input: true,
      }),
      field({
        name: 'encoding',
        label: 'Encoding',
        description: 'How the content is encoded',
        control: 'select',
        ...inputField(WriteFileInput, 'encoding'),
        choices: FILE_ENCODINGS,
      }),
      field({
        name: 'append',
        label: 'Append',
        description: 'Add to the end instead of replacing',
        control: 'boolean',
        ...inputField(WriteFileInput, 'append'),
      }),
    ],
    taskOptions: true,
    defaultId: 'writeOutput',
    result: { type: 'object', properties: { path: 'string', bytes: 'number' } },
    initialFields: { path: 'output.txt', content: '' },
  }),
  kind({
    id: 'transform',
    label: 'Transform',
    category: 'data',
    description: 'Reshape a value with a small function',
    syntax: { form: 'library', fn: 'transform', args: { style: 'positional', names: ['value', 'fn'] } },
    fields: [
      field({ name: 'value', label: 'Value', description: 'What to transform', control: 'json', schema: z.unknown(), required: true, input: true }),
      field({
        name: 'fn',
        label: 'Function',
        description: 'Takes the value, returns the new one',
        control: 'code',
        schema: z.string().min(1),
        required: true,
      }),
    ],
    taskOptions: true,
    defaultId: 'transformData',
    result: { type: 'any' },
    initialFields: { fn: '(value) => value' },
  }),
  kind({
    id: 'notify',
    label: 'Notify',
    category: 'messaging',
    description: 'Log a message or post it to a webhook',
    syntax: { form: 'library', fn: 'notify', args: { style: 'object' } },
    fields: [
      field({
        name: 'message',
        label: 'Message',
        description: 'What to say',
        control: 'multiline',
        ...inputField(NotifyInput, 'message'),
        required: true,
        input: true,
      }),
      field({
        name: 'level',
        label: 'Level',
        description: 'How loud',
        control: 'select',
        ...inputField(NotifyInput, 'level'),
        choices: NOTIFY_LEVELS,
      }),
      field({
        name: 'webhookUrl',
        label: 'Webhook URL',
        description: 'Posted to when set',
        control: 'text',
        ...inputField(NotifyInput, 'webhookUrl'),
      }),
    ],
    taskOptions: true,
    defaultId: 'sendNotification',
    result: { type: 'object', properties: { message: 'string', level: 'string', webhookStatus: 'number' } },
    initialFields: { message: 'Flow finished' },
  }),
  kind({
    id: 'branch',
    label: 'Branch',
    category: 'control',
    description: 'Run some steps only when a condition holds, others when it does not',
    syntax: { form: 'if' },
    fields: [
      field({
        name: 'condition',
        label: 'Condition',
        description: 'A TypeScript expression',
        control: 'code',
        schema: z.string().min(1),
        required: true,
        input: true,
      }),
    ],
    taskOptions: false,
    defaultId: 'branch',
    result: 'none',
    initialFields: { condition: 'true' },
  }),
  kind({
    id: 'map',
    label: 'Map',
    category: 'control',
    description: 'Run a task once per item of a list, in parallel',
    syntax: { form: 'task', call: 'map' },
    fields: [],
    parametersFromCode: true,
    taskOptions: true,
    defaultId: 'forEachItem',
    // A map with nothing to map over would not read as one: it starts with an empty list to fill in.
    initialFields: { item: [] },
    initialCode: () => 'async (item: unknown) => {\n  return item;\n}',
  }),
  kind({
    id: 'subflow',
    label: 'Subflow',
    category: 'control',
    description: 'Run another flow as a child run',
    syntax: { form: 'flow' },
    fields: [],
    openFields: true,
    taskOptions: false,
    defaultId: 'childFlow',
    initialFields: {},
    initialCode: (name) => `flow({ name: ${quote(name)} }, async () => {\n  return null;\n})`,
  }),
  kind({
    id: 'pause',
    label: 'Pause for input',
    category: 'control',
    description: 'Pause the run until someone resumes it',
    syntax: { form: 'sdkCall', fn: 'pauseFlowRun', args: { style: 'object' } },
    fields: [
      field({
        name: 'reason',
        label: 'Reason',
        description: 'Shown to whoever resumes the run',
        control: 'text',
        schema: z.string().min(1),
        required: true,
      }),
      field({
        name: 'timeoutSeconds',
        label: 'Timeout (s)',
        description: 'Fail the run if nobody resumes it in time',
        control: 'number',
        schema: positiveSeconds,
        default: 3600,
      }),
      field({
        name: 'input',
        label: 'Input schema',
        description: 'A zod schema the input given on resume must fit, such as z.object({ approved: z.boolean() })',
        control: 'code',
        schema: z.string().min(1),
      }),
    ],
    taskOptions: false,
    defaultId: 'approval',
    result: { type: 'any' },
    initialFields: { reason: 'Waiting for approval' },
  }),
];

function quote(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

const BY_ID = new Map(NODE_KINDS.map((k) => [k.id, k]));

export function nodeKind(id: string): NodeKind | undefined {
  return BY_ID.get(id);
}

export function fieldSpec(kindEntry: NodeKind, name: string): FieldSpec | undefined {
  return kindEntry.fields.find((f) => f.name === name);
}

/** The common task options every task node shows in the side panel. */
export const COMMON_OPTION_FIELDS: readonly FieldSpec[] = [
  field({ name: 'name', label: 'Name', description: 'The name runs are recorded under', control: 'text', schema: z.string().min(1), required: true }),
  field({
    name: 'retries',
    label: 'Retries',
    description: 'How many times to try again after a failure',
    control: 'number',
    schema: z.number().int().nonnegative(),
    default: 0,
  }),
  field({
    name: 'retryDelaySeconds',
    label: 'Retry delay (s)',
    description: 'One delay, or one per retry',
    control: 'list',
    schema: z.union([z.number().nonnegative(), z.array(z.number().nonnegative())]),
    default: 0,
  }),
  field({
    name: 'timeoutSeconds',
    label: 'Timeout (s)',
    description: 'A run taking longer ends TimedOut',
    control: 'number',
    schema: positiveSeconds,
  }),
  field({
    name: 'cacheExpirationSeconds',
    label: 'Cache expiry (s)',
    description: 'How long a cached result is reused',
    control: 'number',
    schema: z.number().nonnegative(),
  }),
  field({
    name: 'cachePolicy',
    label: 'Cache policy',
    description: 'What makes two runs the same',
    control: 'select',
    schema: z.enum(CACHE_POLICIES),
    choices: CACHE_POLICIES,
  }),
  field({ name: 'tags', label: 'Tags', description: 'For filtering and concurrency limits', control: 'list', schema: z.array(z.string()) }),
];
