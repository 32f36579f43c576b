/**
 * The peer's REST API (`shoal serve`): Fastify with zod schemas declared next to each handler,
 * which also generate the OpenAPI document (/openapi.json) and the interactive docs (/docs).
 */
import type { AddressInfo } from 'node:net';
import fastifyMultipart from '@fastify/multipart';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject, serializerCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { NodePeer } from '../node/node-peer';
import { UPLOAD_FILE_MAX_BYTES, UPLOAD_FILES_MAX } from '../config';
import type { ApiApp, ApiContext, UploadLimits } from './api-context';
import { installErrorHandlers } from './api-errors';
import { apiValidatorCompiler } from './documentation-only';
import { registerDownloadRoute } from './download-route';
import { registerSearchRoutes } from './search-routes';
import { registerShareRoutes } from './share-routes';

export interface ApiServerOptions {
  peer: NodePeer;
  sharedDir: string;
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  version: string;
  /** Defaults in config.ts; tests lower them. */
  uploadLimits?: Partial<UploadLimits>;
  log?: (message: string) => void;
}

export interface RunningApi {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function buildApi(options: Omit<ApiServerOptions, 'host' | 'port'>): Promise<ApiApp> {
  const app = Fastify({ logger: false, routerOptions: { ignoreTrailingSlash: true } }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(apiValidatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandlers(app, options.log ?? (() => {}));
  await app.register(fastifyMultipart);
  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'Shoal peer API',
        version: options.version,
        description: 'Share, search and download files on a Shoal network through this peer.',
      },
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  const context: ApiContext = {
    peer: options.peer,
    sharedDir: options.sharedDir,
    uploadLimits: { filesMax: UPLOAD_FILES_MAX, fileMaxBytes: UPLOAD_FILE_MAX_BYTES, ...options.uploadLimits },
  };
  registerShareRoutes(app, context);
  registerSearchRoutes(app, context);
  registerDownloadRoute(app, context);
  return app;
}

export async function startApi(options: ApiServerOptions): Promise<RunningApi> {
  const app = await buildApi(options);
  await app.listen({ host: options.host, port: options.port });
  const { port } = app.server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return { url: `http://${host}:${port}`, port, close: () => app.close() };
}
