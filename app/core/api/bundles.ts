import { z } from 'zod';
import { BundleHashSchema } from './deployments.js';
import type { RouteSpec } from './route-spec.js';

/** The largest bundle a server takes, as its JSON body. */
export const BUNDLE_MAX_BYTES = 50 * 1024 * 1024;

/**
 * A deployment's code: its flow file and the local files that file imports, each at its path
 * relative to the bundle's root (the project folder), with `/` as separator. Packages are not in
 * it: a worker needs those installed. Its address is the SHA-256 of its canonical form (see
 * server/bundles/bundle-hash.ts), so the same code is stored once and checked when fetched.
 */
export const BundleFileSchema = z.strictObject({
  path: z
    .string()
    .min(1)
    .max(1024)
    .refine(
      (path) =>
        !path.includes('\u0000') &&
        !path.includes('\\') &&
        !path.startsWith('/') &&
        !path.split('/').some((p) => p === '..' || p === '.' || p === ''),
      {
        message: 'must be a relative path with "/" separators and no "." or ".." parts',
      },
    ),
  /** The file's bytes in base64. */
  content: z.string(),
});
export type BundleFile = z.infer<typeof BundleFileSchema>;

export const BundleSchema = z.strictObject({
  files: z.array(BundleFileSchema).min(1).max(10_000),
});
export type Bundle = z.infer<typeof BundleSchema>;

export const BundleParamsSchema = z.strictObject({ hash: BundleHashSchema });
export const StoredBundleSchema = z.object({ hash: BundleHashSchema, files: z.number().int(), bytes: z.number().int() });

export const BUNDLE_ROUTES = {
  putBundle: {
    method: 'PUT',
    path: '/bundles/:hash',
    summary: "Store a deployment's code at its hash. 400 when the hash is not the content's; storing the same bundle again changes nothing",
    resource: 'bundles',
    params: BundleParamsSchema,
    body: BundleSchema,
    bodyLimitBytes: BUNDLE_MAX_BYTES,
    status: 200,
    response: StoredBundleSchema,
  },
  getBundle: {
    method: 'GET',
    path: '/bundles/:hash',
    summary: "A deployment's code, for a worker to run; check it against its hash before use",
    resource: 'bundles',
    params: BundleParamsSchema,
    status: 200,
    response: BundleSchema,
  },
} as const satisfies Record<string, RouteSpec>;
