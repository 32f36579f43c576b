/**
 * The tracker's REST failures: the shared error replies (shared/fastify/error-replies.ts), with the
 * status from the error table and the tracker's log for anything unexpected.
 */
import { installErrorHandler } from '../shared/fastify/error-replies';
import type { ZodFastify } from '../shared/fastify/zod-fastify';
import type { TrackerLog } from './socket-types';

export function installTrackerErrorHandler(app: ZodFastify, log: TrackerLog): void {
  installErrorHandler(app, {
    unexpectedMessage: 'The tracker hit an unexpected error; please try again',
    onUnexpected: (request, error) => log.error(`${request.method} ${request.url} failed`, error),
  });
}
