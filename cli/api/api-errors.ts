/**
 * Every REST failure is JSON `{ "error": CODE, "message": "..." }` with a matching status, never a
 * stack trace. Codes are the protocol's, plus NOT_FOUND (unknown route) and UNSUPPORTED_MEDIA_TYPE.
 */
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ShoalError, type ErrorCode } from '../../shared/protocol/errors';

export type ApiErrorCode = ErrorCode | 'NOT_FOUND' | 'UNSUPPORTED_MEDIA_TYPE';

export const apiErrorSchema = z
  .object({
    error: z.string().describe('stable code, e.g. BAD_REQUEST, FILE_NOT_FOUND, NO_HOLDER'),
    message: z.string().describe('what went wrong, for a person'),
  })
  .meta({ id: 'Error' });

const statusByCode: Partial<Record<ApiErrorCode, number>> = {
  BAD_REQUEST: 400,
  NAME_INVALID: 400,
  NOT_FOUND: 404,
  FILE_NOT_FOUND: 404,
  PEER_NOT_FOUND: 404,
  QUOTA_EXCEEDED: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  // The file exists but cannot be fetched now: worth retrying later.
  NO_HOLDER: 503,
  PEER_UNREACHABLE: 503,
  // A holder sent bytes that do not match: a bad upstream.
  CHUNK_CORRUPT: 502,
  MANIFEST_MISMATCH: 502,
  TIMEOUT: 504,
};

export function sendError(reply: FastifyReply, code: ApiErrorCode, message: string, status?: number): FastifyReply {
  return reply
    .code(status ?? statusByCode[code] ?? 500)
    .type('application/json; charset=utf-8')
    .send(JSON.stringify({ error: code, message }));
}

export function installErrorHandlers(app: FastifyInstance, log: (message: string) => void): void {
  app.setNotFoundHandler((request, reply) => sendError(reply, 'NOT_FOUND', `There is no ${request.method} ${request.url.split('?')[0]}`));
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof ShoalError) return sendError(reply, error.code, error.message);
    if (hasZodFastifySchemaValidationErrors(error)) {
      const issue = error.validation[0];
      const where = issue?.instancePath ? `${error.validationContext ?? 'request'} ${issue.instancePath.replace(/^\//, '')}` : (error.validationContext ?? 'request');
      return sendError(reply, 'BAD_REQUEST', `Invalid ${where}: ${issue?.message ?? 'not valid'}`, 400);
    }
    const status = error.statusCode ?? 500;
    if (status === 413) return sendError(reply, 'QUOTA_EXCEEDED', error.message, 413);
    if (status === 415 || status === 406) return sendError(reply, 'UNSUPPORTED_MEDIA_TYPE', error.message, 415);
    if (status >= 400 && status < 500) return sendError(reply, status === 404 ? 'NOT_FOUND' : 'BAD_REQUEST', error.message, status);
    log(`${request.method} ${request.url} failed: ${error.message}`);
    return sendError(reply, 'INTERNAL', 'The Shoal peer hit an unexpected error; please try again', 500);
  });
}
