/**
 * Serves the built web app, with the single-page-app fallback: a browser navigation to any
 * non-API path gets index.html so the client can route it. Everything else unknown is a JSON 404.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyRequest } from 'fastify';
import { sendError } from '../shared/fastify/error-replies';
import type { ZodFastify } from '../shared/fastify/zod-fastify';

export function isApiPath(path: string): boolean {
  return path === '/api' || path.startsWith('/api/');
}

/** A navigation, not a missing asset: GET/HEAD, outside /api, last path segment without a dot. */
export function wantsAppShell(request: Pick<FastifyRequest, 'method' | 'url'>): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  const path = request.url.split('?')[0] ?? '';
  if (isApiPath(path)) return false;
  const lastSegment = path.slice(path.lastIndexOf('/') + 1);
  return !lastSegment.includes('.');
}

/** Registers static serving when `staticDir` holds a built app (index.html); returns whether it did. */
export async function serveWebApp(app: ZodFastify, staticDir: string | null): Promise<boolean> {
  const hasApp = staticDir !== null && existsSync(join(staticDir, 'index.html'));
  if (hasApp) {
    await app.register(fastifyStatic, { root: staticDir, wildcard: true, index: 'index.html' });
  }

  app.setNotFoundHandler((request, reply) => {
    if (hasApp && wantsAppShell(request)) return reply.sendFile('index.html');
    if (!hasApp && request.method === 'GET' && request.url === '/') {
      return sendError(reply, 'NOT_FOUND', 'The web app is not built yet; run `npm run build` or `npm start`');
    }
    const path = request.url.split('?')[0] ?? '';
    if (isApiPath(path)) {
      return sendError(reply, 'NOT_FOUND', `No API endpoint ${request.method} ${path}; try GET /api/health, /api/peers or /api/files`);
    }
    return sendError(reply, 'NOT_FOUND', `Nothing at ${request.method} ${path}`);
  });
  return hasApp;
}
