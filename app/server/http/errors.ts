import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import type { ApiErrorBody } from '../../core/api/index.js';
import { BlockError } from '../blocks/block-error.js';
import { EncryptionKeyError } from '../blocks/encryption-key.js';
import { BundleError } from '../bundles/bundle-store.js';
import { DeploymentError } from '../deployments/deployment-error.js';
import { StoreError } from '../store/store-error.js';
import { validationMessage } from './validation-message.js';

/** An answer other than success that a handler chose, with the message the client will see. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    /** What did not fit, part by part, for a value checked against a schema. */
    readonly issues?: ApiErrorBody['issues'],
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export function notFound(what: string, id: string): HttpError {
  return new HttpError(404, `no ${what} with id '${id}'`);
}

export function errorBody(statusCode: number, message: string, issues?: ApiErrorBody['issues']): ApiErrorBody {
  return { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message, ...(issues ? { issues } : {}) };
}

/** The status and message for an error, and whether it is the server's fault. */
function describeError(error: unknown, bodyLimit: number): { status: number; message: string } {
  if (error instanceof HttpError) return { status: error.statusCode, message: error.message };
  if (error instanceof StoreError) {
    if (error.code === 'NOT_FOUND') return { status: 404, message: error.message };
    if (error.code === 'INVALID') return { status: 400, message: error.message };
    if (error.code === 'CONFLICT') return { status: 409, message: error.message };
    // Nothing was stored; the same request may succeed once the disk has room again.
    if (error.code === 'CANNOT_WRITE') return { status: 503, message: error.message };
    return { status: 500, message: error.message };
  }
  if (error instanceof DeploymentError) return { status: error.code === 'NOT_FOUND' ? 404 : 422, message: error.message };
  if (error instanceof BlockError)
    return { status: error.code === 'NOT_FOUND' ? 404 : error.code === 'CANNOT_DECRYPT' ? 409 : 422, message: error.message };
  // The server's key cannot be had: what to fix is in the message, and the request itself was fine.
  if (error instanceof EncryptionKeyError) return { status: 409, message: error.message };
  if (error instanceof BundleError) return { status: error.code === 'NOT_FOUND' ? 404 : 400, message: error.message };
  if (hasZodFastifySchemaValidationErrors(error)) {
    return { status: 400, message: validationMessage(error.validationContext, error.validation) };
  }
  const { code, statusCode, message } = error as Partial<FastifyError>;
  switch (code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, message: `the request body is larger than the ${bodyLimit} bytes this server accepts` };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { status: 415, message: `${message ?? 'unsupported content-type'}; send JSON with content-type application/json` };
  }
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
    return { status: statusCode, message: message || (STATUS_CODES[statusCode] ?? 'bad request') };
  }
  return { status: 500, message: 'internal server error; the server log has the details' };
}

/** Answers every failure as JSON; only the server's own faults are passed on to be logged. */
export function errorHandler(bodyLimit: number, onUnexpected: (error: unknown, request: FastifyRequest) => void) {
  return (error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    // A route with its own body limit (uploads) names that one.
    const { status, message } = describeError(error, request.routeOptions?.bodyLimit ?? bodyLimit);
    // A database that cannot be written is logged once by the store's write health, not per request.
    const told = error instanceof StoreError && error.code === 'CANNOT_WRITE';
    if (status >= 500 && !told) onUnexpected(error, request);
    const issues = error instanceof HttpError || error instanceof DeploymentError || error instanceof BlockError ? error.issues : undefined;
    return reply
      .code(status)
      .type('application/json; charset=utf-8')
      .send(errorBody(status, message, issues));
  };
}
