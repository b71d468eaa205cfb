import { z } from 'zod';
import { blockType, type BlockType } from './block-type.js';

const HttpUrlSchema = z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' });

/** A URL that carries no password: the password goes into its own, encrypted, field. */
const UrlWithoutPasswordSchema = z
  .string()
  .min(1)
  .refine((text) => !/^[a-z][a-z0-9+.-]*:\/\/[^/@]*:[^/@]*@/i.test(text), 'must not carry a password; put it in the password field');

const EmailSchema = z.email({ error: 'must be an email address' });

export const SECRET_BLOCK = blockType({
  slug: 'secret',
  title: 'Secret',
  description: 'One secret string, loaded in flows with Secret.load(name)',
  schema: z.strictObject({ value: z.string().min(1).describe('The secret') }),
  secretFields: ['value'],
});

export const JSON_BLOCK = blockType({
  slug: 'json',
  title: 'JSON',
  description: 'Any JSON value, such as a configuration',
  schema: z.strictObject({ value: z.json().describe('Any JSON value') }),
  secretFields: [],
});

export const SQL_CONNECTION_BLOCK = blockType({
  slug: 'sql-connection',
  title: 'SQL connection',
  description: 'A database to query: its URL (postgres://user@host/db, sqlite:path) and password',
  schema: z.strictObject({
    url: UrlWithoutPasswordSchema.describe('The connection URL without its password'),
    password: z.string().optional().describe('The password, kept apart from the URL'),
  }),
  secretFields: ['password'],
});

export const HTTP_AUTH_BLOCK = blockType({
  slug: 'http-auth',
  title: 'HTTP authentication',
  description: 'A bearer token, or a user and password for basic authentication',
  schema: z
    .strictObject({
      scheme: z.enum(['bearer', 'basic']).describe('bearer or basic'),
      token: z.string().optional().describe('The bearer token'),
      user: z.string().optional().describe('The basic user'),
      password: z.string().optional().describe('The basic password'),
    })
    .superRefine((auth, check) => {
      if (auth.scheme === 'bearer' && !auth.token) check.addIssue({ code: 'custom', path: ['token'], message: 'is needed for the bearer scheme' });
      if (auth.scheme === 'basic' && !auth.user) check.addIssue({ code: 'custom', path: ['user'], message: 'is needed for the basic scheme' });
    }),
  secretFields: ['token', 'password'],
});

export const WEBHOOK_BLOCK = blockType({
  slug: 'webhook',
  title: 'Webhook',
  description: 'A URL to POST to, with headers (their values are secret)',
  schema: z.strictObject({
    url: HttpUrlSchema.describe('Where to send'),
    headers: z.record(z.string().min(1), z.string()).default({}).describe('Headers sent with each call'),
  }),
  secretFields: ['headers'],
});

export const SLACK_WEBHOOK_BLOCK = blockType({
  slug: 'slack-webhook',
  title: 'Slack webhook',
  description: 'A Slack-compatible incoming webhook; its URL is the secret',
  schema: z.strictObject({ url: HttpUrlSchema.describe('The incoming webhook URL') }),
  secretFields: ['url'],
});

export const SMTP_EMAIL_BLOCK = blockType({
  slug: 'smtp-email',
  title: 'Email (SMTP)',
  description: 'A mail server to send email through, and who it goes to',
  schema: z.strictObject({
    host: z.string().min(1).describe('The SMTP server'),
    port: z.number().int().min(1).max(65_535).default(587).describe('Its port'),
    tls: z.boolean().default(true).describe('Use TLS'),
    user: z.string().optional().describe('The user to log in as'),
    password: z.string().optional().describe('Its password'),
    from: EmailSchema.describe('The sender'),
    to: z.array(EmailSchema).min(1).describe('The recipients'),
  }),
  secretFields: ['password'],
});

export const RESULT_STORAGE_BLOCK = blockType({
  slug: 'result-storage',
  title: 'Result storage',
  description: 'Where results and cache entries are kept: a folder, or the server itself',
  schema: z
    .strictObject({
      kind: z.enum(['folder', 'server']).describe('folder or server'),
      path: z.string().min(1).optional().describe('The folder, for kind folder'),
    })
    .superRefine((storage, check) => {
      if (storage.kind === 'folder' && !storage.path) check.addIssue({ code: 'custom', path: ['path'], message: 'is needed for kind folder' });
    }),
  secretFields: [],
});

/** Every block type, in the order they are listed. Adding a type is adding an entry here. */
export const BLOCK_TYPES: readonly BlockType[] = [
  SECRET_BLOCK,
  JSON_BLOCK,
  SQL_CONNECTION_BLOCK,
  HTTP_AUTH_BLOCK,
  WEBHOOK_BLOCK,
  SLACK_WEBHOOK_BLOCK,
  SMTP_EMAIL_BLOCK,
  RESULT_STORAGE_BLOCK,
];
