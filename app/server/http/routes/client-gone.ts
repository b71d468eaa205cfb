import type { FastifyReply } from 'fastify';

/**
 * A signal aborted when the client of this request goes away before its answer, or when `closing`
 * is; call `done` once answered, to stop listening.
 */
export function untilClientGoneOr(reply: FastifyReply, closing: AbortSignal): { signal: AbortSignal; done: () => void } {
  const gone = new AbortController();
  // The response closes before it was written only when the connection went away.
  const onClose = () => {
    if (!reply.raw.writableFinished) gone.abort();
  };
  reply.raw.once('close', onClose);
  return { signal: AbortSignal.any([gone.signal, closing]), done: () => reply.raw.off('close', onClose) };
}
