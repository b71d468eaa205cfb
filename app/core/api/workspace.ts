import { z } from 'zod';
import { nestsAtMost, TimeSchema } from './common.js';
import { MAX_PARAMETER_DEPTH } from './reports.js';
import { ResourceNameSchema } from './deployments.js';
import { ScheduleSchema } from '../schedules/model.js';

/** The largest flow file the workspace reads or writes; flow files are code, not data. */
export const WORKSPACE_FILE_MAX_BYTES = 2 * 1024 * 1024;
/** The largest sidecar (node positions) beside a flow file. */
export const WORKSPACE_SIDECAR_MAX_BYTES = 1024 * 1024;
/** How many flow files one listing names at most; `truncated` says when there were more. */
export const WORKSPACE_LIST_MAX = 5000;
/** What a flow file's sidecar is called: `<name>.flowdeck.json` beside `<name>.ts`. */
export const SIDECAR_SUFFIX = '.flowdeck.json';

/** The sidecar's path for a flow file's path, both relative and '/'-separated. */
export function sidecarPathOf(flowFilePath: string): string {
  return `${flowFilePath.replace(/\.ts$/, '')}${SIDECAR_SUFFIX}`;
}

/**
 * A flow file inside the workspace: relative, '/'-separated. Only the length is checked here; the
 * server says what is wrong with a path that leaves the workspace, naming it.
 */
const WorkspacePathSchema = z.string().min(1).max(1024);

const WorkspaceFileEntrySchema = z.object({
  /** Relative to the workspace root, '/'-separated. */
  path: z.string(),
  size: z.number().int().min(0),
  /** Milliseconds since the epoch; hand it back as `expectedModifiedAt` when saving. */
  modifiedAt: z.number(),
});
export type WorkspaceFileEntry = z.infer<typeof WorkspaceFileEntrySchema>;

export const WorkspaceFilesSchema = z.object({
  /** The workspace folder on the server's machine. */
  root: z.string(),
  /** Flow files (`*.ts`), sorted by path; node_modules and dot-folders are skipped. */
  files: z.array(WorkspaceFileEntrySchema),
  /** True when the workspace holds more flow files than one listing names. */
  truncated: z.boolean(),
});
export type WorkspaceFiles = z.infer<typeof WorkspaceFilesSchema>;

/** The server's workspace folder, and whether its API may point it at another one. */
export const WorkspaceInfoSchema = z.object({
  /** The workspace folder on the server's machine. */
  root: z.string(),
  /** The folder under FLOWDECK_HOME that is seeded with the examples, to go back to. */
  defaultRoot: z.string(),
  /** Whether `PUT /api/workspace` may change the folder: on a local server, or one started to allow it. */
  changeable: z.boolean(),
  /** Why the folder cannot be changed here; null when it can. */
  fixedBecause: z.string().nullable(),
});
export type WorkspaceInfo = z.infer<typeof WorkspaceInfoSchema>;

/** The longest folder path taken; longer ones are not real folders. */
const WORKSPACE_ROOT_MAX_CHARS = 4096;

export const ChangeWorkspaceSchema = z.strictObject({
  /** The whole path of an existing folder on the server's machine. */
  root: z.string().min(1).max(WORKSPACE_ROOT_MAX_CHARS),
});

export const WorkspaceFileQuerySchema = z.strictObject({ path: WorkspacePathSchema });

export const WorkspaceFileSchema = z.object({
  path: z.string(),
  content: z.string(),
  /** The sidecar's text, or null when the flow file has none. */
  sidecar: z.string().nullable(),
  modifiedAt: z.number(),
});
export type WorkspaceFile = z.infer<typeof WorkspaceFileSchema>;

export const WriteWorkspaceFileSchema = z.strictObject({
  path: WorkspacePathSchema,
  content: z.string().max(WORKSPACE_FILE_MAX_BYTES),
  /** Text to write as the sidecar; null removes it; left out, the sidecar stays as it is. */
  sidecar: z.string().max(WORKSPACE_SIDECAR_MAX_BYTES).nullable().optional(),
  /**
   * The `modifiedAt` the caller last read: the write is refused (409) if the file changed since.
   * null: the file must not exist yet. Left out: no check.
   */
  expectedModifiedAt: TimeSchema.nullable().optional(),
});

export const WrittenWorkspaceFileSchema = z.object({
  path: z.string(),
  modifiedAt: z.number(),
});
export type WrittenWorkspaceFile = z.infer<typeof WrittenWorkspaceFileSchema>;

export const FlowTemplateSchema = z.object({
  /** The example's file name without `.ts`. */
  name: z.string(),
  /** The first sentence of the file's leading comment. */
  description: z.string(),
  content: z.string(),
});
export type FlowTemplate = z.infer<typeof FlowTemplateSchema>;

export const DescribeFlowFileSchema = z.strictObject({ path: WorkspacePathSchema });

/** A JSON Schema document, as zod's `z.toJSONSchema` writes one. */
const JsonSchemaDocumentSchema = z.record(z.string(), z.unknown());

const DescribedFlowSchema = z.object({
  name: z.string(),
  /** The file's default export: what runs when no flow is named. */
  isDefault: z.boolean(),
  /**
   * The names the file exports it under, `default` first for its default export; a deployment's
   * entrypoint names one (`file.ts:name`). Empty for a flow the file makes but does not export: it
   * runs by its flow name, but no worker can load it.
   */
  exports: z.array(z.string()),
  /** The JSON Schema of the parameters as a caller writes them; null when the flow declares none or it cannot be expressed. */
  parameters: JsonSchemaDocumentSchema.nullable(),
});
export type DescribedFlow = z.infer<typeof DescribedFlowSchema>;

/** A deployment the file's own `deploy()` or `serve()` call would make when the file is run; describing it makes none. */
const DescribedDeploymentSchema = z.object({
  method: z.enum(['deploy', 'serve']),
  /** `FLOW/NAME`. */
  fullName: z.string(),
  flowName: z.string(),
  name: z.string(),
  /** `file.ts:export` relative to the project; null when the flow is not exported, which deploy() refuses. */
  entrypoint: z.string().nullable(),
  /** Null for serve(): its own process runs the runs. */
  workPool: z.string().nullable(),
  workQueue: z.string().nullable(),
  /** Each schedule in words. */
  schedules: z.array(z.string()),
  parameters: z.record(z.string(), z.unknown()),
});
export type DescribedDeployment = z.infer<typeof DescribedDeploymentSchema>;

export const FlowFileDescriptionSchema = z.object({ flows: z.array(DescribedFlowSchema), deployments: z.array(DescribedDeploymentSchema) });
export type FlowFileDescription = z.infer<typeof FlowFileDescriptionSchema>;

/** What a debug run started from the builder stops at, and what it does not run. */
export const DebugRunSchema = z.strictObject({
  /** Names of tasks whose runs stop before they start. */
  breakpoints: z.array(z.string().min(1).max(512)).max(1000).default([]),
  /** Stop before every task run. */
  step: z.boolean().default(false),
  /** A task run that fails its last attempt stops there instead of failing. */
  breakOnFailure: z.boolean().default(false),
  /** Names of tasks to run up to: once a run of one completes, every later task run stops before it starts. */
  stopAfter: z.array(z.string().min(1).max(512)).max(1000).default([]),
  /** Results by task name: a pinned task does not run and completes with its pin. */
  pins: z
    .record(z.string().min(1).max(512), z.unknown())
    .refine((value) => nestsAtMost(value, MAX_PARAMETER_DEPTH), `nested deeper than ${MAX_PARAMETER_DEPTH} levels`)
    .default({}),
});
export type DebugRun = z.infer<typeof DebugRunSchema>;

/** Deploys a flow of a workspace flow file, as `flowdeck deploy FILE:EXPORT --name NAME` does from the builder. */
export const DeployFlowFileSchema = z.strictObject({
  path: WorkspacePathSchema,
  /** The export of the file that holds the flow to deploy (`flowdeck deploy FILE:EXPORT`); `default` when left out. */
  export: z.string().min(1).max(512).optional(),
  name: ResourceNameSchema,
  /** The pool whose workers run it, and its queue (the pool's default queue when left out). */
  workPool: ResourceNameSchema.optional(),
  workQueue: ResourceNameSchema.optional(),
  schedule: ScheduleSchema.optional(),
  /** Defaults for every run, checked against the flow's parameters. */
  parameters: z
    .record(z.string(), z.unknown())
    .refine((value) => nestsAtMost(value, MAX_PARAMETER_DEPTH), `nested deeper than ${MAX_PARAMETER_DEPTH} levels`)
    .optional(),
});
export type DeployFlowFileRequest = z.input<typeof DeployFlowFileSchema>;

export const RunFlowFileSchema = z.strictObject({
  path: WorkspacePathSchema,
  /** The flow to run; the file's default export when left out. */
  flowName: z.string().min(1).max(512).optional(),
  parameters: z
    .record(z.string(), z.unknown())
    .refine((value) => nestsAtMost(value, MAX_PARAMETER_DEPTH), `nested deeper than ${MAX_PARAMETER_DEPTH} levels`)
    .default({}),
  /** Makes it a debug run: where its task runs stop, and which tasks do not run (their pinned results). */
  debug: DebugRunSchema.optional(),
});

/** A new run of the flow an earlier run ran, from the same workspace file, with these parameters. */
export const RunAgainSchema = RunFlowFileSchema.pick({ parameters: true });

export const StartedFlowRunSchema = z.object({ flowRunId: z.string() });
