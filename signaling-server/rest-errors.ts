/**
 * Every REST failure is JSON `{ "error": CODE, "message": "..." }` with a matching status: no
 * HTML pages, no stack traces. Codes are the protocol's, plus NOT_FOUND for unknown routes.
 */
import type { FastifyError, FastifyReply } from 'fastify';
import { z } from 'zod';
import { ShoalError } from '../shared/protocol';
import type { ErrorCode } from '../shared/protocol';
import type { TrackerLog } from './socket-types';
import type { ZodFastify } from './zod-fastify';

/** NOT_FOUND (an unknown route) only exists over HTTP, so it is not part of the socket protocol. */
export type RestErrorCode = ErrorCode | 'NOT_FOUND';

export const restErrorSchema = z.object({
  error: z.string(),
  message: z.string(),
});
export type RestError = z.infer<typeof restErrorSchema>;

const statusByCode: Partial<Record<RestErrorCode, number>> = {
  BAD_REQUEST: 400,
  NAME_INVALID: 400,
  NETWORK_KEY_INVALID: 401,
  UNAUTHORIZED: 401,
  SIGNATURE_INVALID: 401,
  BANNED: 403,
  REVOKED: 403,
  NOT_FOUND: 404,
  PEER_NOT_FOUND: 404,
  FILE_NOT_FOUND: 404,
  NAME_TAKEN: 409,
  KEY_CHANGED: 409,
  QUOTA_EXCEEDED: 413,
  RATE_LIMITED: 429,
  TIMEOUT: 504,
};

export function sendError(reply: FastifyReply, code: RestErrorCode, message: string, status?: number): FastifyReply {
  const body: RestError = { error: code, message };
  return reply
    .code(status ?? statusByCode[code] ?? 500)
    .type('application/json; charset=utf-8')
    .send(JSON.stringify(body));
}

export function installErrorHandler(app: ZodFastify, log: TrackerLog): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof ShoalError) return sendError(reply, error.code, error.message);
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      // Validation failures and malformed requests: their messages are written for people.
      return sendError(reply, status === 404 ? 'NOT_FOUND' : 'BAD_REQUEST', error.message, status);
    }
    log.error(`${request.method} ${request.url} failed`, error);
    return sendError(reply, 'INTERNAL', 'The tracker hit an unexpected error; please try again', 500);
  });
}
