/**
 * The peer API's failures: the shared error replies (shared/fastify/error-replies.ts), JSON
 * `{ code, error, message, details? }` with the status the error table gives the code, plus a
 * NOT_FOUND answer for unknown routes.
 */
import type { FastifyInstance } from 'fastify';
import { installErrorHandler, sendError } from '../../shared/fastify/error-replies';

/** The error answer as routes declare it in their response schemas. */
export { errorReplySchema as apiErrorSchema } from '../../shared/fastify/error-replies';

export function installErrorHandlers(app: FastifyInstance, log: (message: string) => void): void {
  app.setNotFoundHandler((request, reply) => sendError(reply, 'NOT_FOUND', `There is no ${request.method} ${request.url.split('?')[0]}`));
  installErrorHandler(app, {
    unexpectedMessage: 'The Shoal peer hit an unexpected error; please try again',
    onUnexpected: (request, error) => log(`${request.method} ${request.url} failed: ${error instanceof Error ? error.message : String(error)}`),
  });
}
