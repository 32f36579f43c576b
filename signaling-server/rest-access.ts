/**
 * Who may call the REST API: on a network with a key, every /api request must carry it in the
 * X-Shoal-Network-Key header (the admin API has its own token instead). The web app itself stays
 * public, so the join form can load and ask for the key, and so do the API docs, which a browser
 * opens without the header and which say only what the routes are.
 */
import { isApiDocsPath } from '../shared/fastify/api-docs';
import { NETWORK_KEY_HEADER, checkNetworkKey } from './network-key';
import { API_PREFIX } from './rest-api';
import { isApiPath } from './static-site';
import type { ZodFastify } from '../shared/fastify/zod-fastify';

function isAdminPath(path: string): boolean {
  return path === '/api/admin' || path.startsWith('/api/admin/');
}

export function requireNetworkKeyForApi(app: ZodFastify, networkKey: string | undefined): void {
  if (networkKey === undefined) return;
  app.addHook('onRequest', async (request) => {
    const path = request.url.split('?')[0] ?? '';
    if (!isApiPath(path) || isAdminPath(path) || isApiDocsPath(path, API_PREFIX)) return;
    const given = request.headers[NETWORK_KEY_HEADER];
    // Throws NETWORK_KEY_INVALID, which the error handler answers with a 401.
    checkNetworkKey(networkKey, typeof given === 'string' ? given : undefined);
  });
}
