import { z } from 'zod';
import { RUN_KINDS, type RunKind } from '../runs.js';
import { RunIdSchema } from './common.js';

/** How many characters a prefix needs before it is matched against the ids. */
export const RUN_ID_PREFIX_MIN = 4;
/** How many ids one request may ask short forms for. */
export const RUN_ID_PREFIXES_MAX = 1000;

const RunKindSchema = z.enum(RUN_KINDS);

/** Why an id or prefix names no one run: no run's id is it or starts with it, or several runs' ids do. */
export type RunIdProblem = 'unknown' | 'ambiguous';

/** What went wrong with an id or prefix a person gave, as the server, the CLI and the UI say it. */
export function runIdProblemMessage(kind: RunKind, given: string, problem: RunIdProblem): string {
  if (problem === 'ambiguous') return `more than one ${kind} run has an id starting with '${given}'; give more of the id`;
  if (given.length < RUN_ID_PREFIX_MIN) return `no ${kind} run with id '${given}'; give at least ${RUN_ID_PREFIX_MIN} characters of the id`;
  return `no ${kind} run with id '${given}' or a unique id starting with it`;
}

/** A run's full id, or a prefix of it that only one run of the kind has. */
export const ResolveRunIdQuerySchema = z.strictObject({
  kind: RunKindSchema,
  prefix: RunIdSchema,
});

export const ResolvedRunIdSchema = z.object({
  kind: RunKindSchema,
  id: z.string(),
});

export const RunIdPrefixesRequestSchema = z.strictObject({
  kind: RunKindSchema,
  ids: z.array(RunIdSchema).max(RUN_ID_PREFIXES_MAX),
});

/** Each id with its shortest prefix (8 characters or more) that no other run of the kind shares, in the order asked. */
export const RunIdPrefixesSchema = z.array(z.object({ id: z.string(), prefix: z.string() }));
