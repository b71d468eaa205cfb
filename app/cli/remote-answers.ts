import { ApiError } from '../core/api/index.js';
import { UsageError } from './errors.js';

/** Whether the server answered the request with one of these statuses. */
export function isStatus(error: unknown, ...statuses: number[]): error is ApiError {
  return error instanceof ApiError && statuses.includes(error.status);
}

/** What the server says of bad input: refused as the local database refuses it. */
const REFUSALS = [400, 404, 409, 422];

/** The server's refusal of bad input (`statuses`), said as the local database says it: a UsageError. */
export async function refusalsAsUsage<T>(request: Promise<T>, statuses: readonly number[] = REFUSALS): Promise<T> {
  try {
    return await request;
  } catch (error) {
    if (isStatus(error, ...statuses)) throw new UsageError(error.message);
    throw error;
  }
}

/** The answer, or null when the server says there is no such thing. */
export async function orNull<T>(request: Promise<T>): Promise<T | null> {
  try {
    return await request;
  } catch (error) {
    if (isStatus(error, 404)) return null;
    throw error;
  }
}
