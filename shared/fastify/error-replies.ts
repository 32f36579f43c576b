/**
 * How both REST APIs fail: JSON `{ code, error, message, details? }` (restErrorBodySchema) with the
 * status the error table gives the code. Never an HTML page or a stack trace. Route validation
 * failures become BAD_REQUEST with a sentence naming the input; Fastify's own 4xx errors (body too
 * large, wrong content type) map to the table's codes; anything unexpected is INTERNAL and logged.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import {
  ERRORS,
  ShoalError,
  restErrorBodyOf,
  restErrorBodySchema,
  type ErrorCode,
  type ErrorDetails,
} from '../protocol/errors';

/** The error answer in the OpenAPI documents, with every code and its status listed. */
export const errorReplySchema = restErrorBodySchema
  .describe(
    `A failure. code (and error, the same): ${Object.entries(ERRORS)
      .map(([code, { status, meaning }]) => `${code} (${status}) ${meaning}`)
      .join('; ')}`,
  )
  .meta({ id: 'Error' });

export function sendError(reply: FastifyReply, code: ErrorCode, message: string, details: ErrorDetails = {}): FastifyReply {
  return sendShoalError(reply, new ShoalError(code, message, details));
}

export function sendShoalError(reply: FastifyReply, error: ShoalError): FastifyReply {
  // Sent as a string: the route's response schemas are for its successes.
  return reply
    .code(error.httpStatus)
    .type('application/json; charset=utf-8')
    .send(JSON.stringify(restErrorBodyOf(error)));
}

const partNames: Record<string, string> = {
  querystring: 'query string',
  body: 'request body',
  params: 'path',
  headers: 'headers',
};

export interface ErrorHandlerOptions {
  /** What a person reads when the server hit an error it did not expect. */
  unexpectedMessage: string;
  /** Called with each unexpected error (the answer says only unexpectedMessage). */
  onUnexpected: (request: FastifyRequest, error: unknown) => void;
}

export function installErrorHandler(app: FastifyInstance, options: ErrorHandlerOptions): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const known = knownError(error, request);
    if (known !== undefined) return sendShoalError(reply, known);
    options.onUnexpected(request, error);
    return sendError(reply, 'INTERNAL', options.unexpectedMessage);
  });
}

/** The ShoalError an error stands for, or undefined when it is unexpected (a bug, a 5xx). */
function knownError(error: FastifyError, request: FastifyRequest): ShoalError | undefined {
  if (error instanceof ShoalError) return error;
  if (hasZodFastifySchemaValidationErrors(error)) return invalidInput(error);
  const status = error.statusCode ?? 500;
  if (status < 400 || status >= 500) return undefined;
  // Fastify's and its plugins' messages are written for people ("Request body is too large").
  if (status === 404) return new ShoalError('NOT_FOUND', error.message);
  if (status === 413) return new ShoalError('QUOTA_EXCEEDED', error.message, { limitBytes: request.routeOptions.bodyLimit });
  if (status === 406 || status === 415) return new ShoalError('UNSUPPORTED_MEDIA_TYPE', error.message);
  return new ShoalError('BAD_REQUEST', error.message);
}

/** "Invalid query string: limit — limit must be at least 1", with the input named in details. */
function invalidInput(error: FastifyError): ShoalError {
  const part = partNames[error.validationContext ?? ''] ?? 'request';
  const issue = error.validation?.[0];
  const field = (issue?.instancePath ?? '').replace(/^\//, '').replaceAll('/', '.');
  const why = issue?.message ?? 'not valid';
  if (field === '') return new ShoalError('BAD_REQUEST', `Invalid ${part}: ${why}`, { field: part });
  return new ShoalError('BAD_REQUEST', `Invalid ${part}: ${field} — ${why}`, { field: `${part} ${field}` });
}
