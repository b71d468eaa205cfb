/**
 * The inputs of the built-in tasks (`flowdeck/tasks`) as zod schemas, each field with what it must
 * be and what it is when left out: the tasks fill in their defaults from here, and the builder's
 * node kinds edit and check the same fields.
 */
import { z } from 'zod';

export const FILE_ENCODINGS = ['utf8', 'json', 'base64'] as const;
export type FileEncoding = (typeof FILE_ENCODINGS)[number];

export const NOTIFY_LEVELS = ['debug', 'info', 'warning', 'error', 'critical'] as const;
export type NotifyLevel = (typeof NOTIFY_LEVELS)[number];

const positiveSeconds = z.number().positive();
const stringRecord = z.record(z.string(), z.string());
const queryValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const status = z.number().int().min(100).max(599);

/** What an `http-auth` block holds: the HTTP task sends it as the Authorization header. */
export const HttpAuthInput = z.object({
  scheme: z.enum(['bearer', 'basic']),
  token: z.string().optional(),
  user: z.string().optional(),
  password: z.string().optional(),
});

/** What a `sql-connection` block holds: the URL without its password, and the password apart. */
export const SqlConnectionDocument = z.object({ url: z.string().min(1), password: z.string().optional() });

export const HttpRequestInput = z.object({
  url: z.string().min(1),
  method: z
    .string()
    .regex(/^[A-Za-z]+$/, 'a method is a single word such as GET or POST')
    .default('GET'),
  headers: stringRecord.optional(),
  query: z.record(z.string(), z.union([queryValue, z.array(queryValue)])).optional(),
  body: z.unknown().optional(),
  auth: HttpAuthInput.optional(),
  timeoutSeconds: positiveSeconds.default(30),
  expectStatus: z.union([status, z.array(status)]).optional(),
});

export const SqlQueryInput = z.object({
  connection: z.union([z.string().min(1), SqlConnectionDocument]),
  sql: z.string().min(1),
  params: z.array(z.unknown()).optional(),
});

export const ShellCommandInput = z.object({
  command: z.string().min(1),
  args: z.array(z.union([z.string(), z.number()])).optional(),
  cwd: z.string().min(1).optional(),
  env: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  input: z.string().optional(),
  timeoutSeconds: positiveSeconds.optional(),
  allowFailure: z.boolean().default(false),
});

export const ReadFileInput = z.object({
  path: z.string().min(1),
  encoding: z.enum(FILE_ENCODINGS).default('utf8'),
});

export const WriteFileInput = z.object({
  path: z.string().min(1),
  content: z.unknown(),
  encoding: z.enum(FILE_ENCODINGS).default('utf8'),
  append: z.boolean().default(false),
});

export const NotifyInput = z.object({
  message: z.string().min(1),
  level: z.enum(NOTIFY_LEVELS).default('info'),
  webhookUrl: z.url().optional(),
});

/** One field of a task's input: what a given value must be, and its default when it has one. */
export function inputField(input: z.ZodObject, name: string): { schema: z.ZodType; default?: unknown } {
  let schema = input.shape[name] as z.ZodType | undefined;
  if (!schema) throw new Error(`The task input has no field '${name}'`);
  let fallback: unknown;
  if (schema instanceof z.ZodDefault) {
    fallback = schema.def.defaultValue;
    schema = schema.unwrap() as z.ZodType;
  }
  if (schema instanceof z.ZodOptional) schema = schema.unwrap() as z.ZodType;
  return fallback === undefined ? { schema } : { schema, default: fallback };
}
