/**
 * The `Authorization: Bearer <SHOAL_ADMIN_TOKEN>` check the admin API and /metrics share: a Fastify
 * onRequest hook that lets a request with the right token through and answers any other with 401
 * UNAUTHORIZED and a WWW-Authenticate challenge. The token is compared in constant time.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ShoalError } from '../shared/protocol';
import { secretsMatch } from './secret-compare';

/** `missingMessage` says what needs the token, for a request that sent none. */
export function requireBearerToken(token: string, missingMessage: string) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const match = /^Bearer (.+)$/.exec(request.headers.authorization ?? '');
    if (match?.[1] !== undefined && secretsMatch(token, match[1])) return;
    reply.header('www-authenticate', 'Bearer realm="shoal-admin"');
    throw new ShoalError('UNAUTHORIZED', match?.[1] === undefined ? missingMessage : 'The admin token is wrong');
  };
}
