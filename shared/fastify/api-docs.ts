/**
 * The OpenAPI document and interactive docs of a REST API, generated from the zod schemas its
 * routes declare (no hand-written docs that can drift): `<prefix>/openapi.json` and `<prefix>/docs`.
 * Register before the routes, so every route is seen.
 */
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import type { ZodFastify } from './zod-fastify';

export interface ApiDocsOptions {
  /** '' for an API at the root (the peer's), '/api' for the tracker's. */
  prefix: string;
  title: string;
  version: string;
  description: string;
}

/**
 * Swagger UI sets styles inline, so its pages get their own policy: the app's strict one, plus
 * inline styles and data: images. No upgrade-insecure-requests: trackers serve plain HTTP on LANs.
 */
const DOCS_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "object-src 'none'",
  "base-uri 'self'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

export async function registerApiDocs(app: ZodFastify, options: ApiDocsOptions): Promise<void> {
  await app.register(fastifySwagger, {
    openapi: { info: { title: options.title, version: options.version, description: options.description } },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(fastifySwaggerUi, { routePrefix: `${options.prefix}/docs`, staticCSP: DOCS_CONTENT_SECURITY_POLICY });
  app.get(`${options.prefix}/openapi.json`, { schema: { hide: true } }, async () => app.swagger());
}

/** Whether a request path is one of the docs' own (the document, the UI and its files). */
export function isApiDocsPath(path: string, prefix: string): boolean {
  const docs = `${prefix}/docs`;
  return path === `${prefix}/openapi.json` || path === docs || path.startsWith(`${docs}/`);
}
