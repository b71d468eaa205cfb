import type { z } from 'zod';

/** One endpoint: everything the server needs to validate and document it and a client to call it. */
export interface RouteSpec {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Below the API base (`/api`), with `:name` for path parameters. */
  path: string;
  summary: string;
  /** The resource it belongs to, grouping it in the API document. */
  resource: string;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  /** The largest body the route takes, when it is not the server's usual limit (uploads). */
  bodyLimitBytes?: number;
  /** The status of a successful answer; 204 has no body. */
  status: 200 | 204;
  response: z.ZodType;
}
