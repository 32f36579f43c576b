/**
 * The peer's REST API (`shoal serve`): Fastify with zod schemas declared next to each handler
 * (shared/fastify/, as the tracker's API), which also generate the OpenAPI document
 * (/openapi.json) and the interactive docs (/docs).
 */
import type { AddressInfo } from 'node:net';
import fastifyMultipart from '@fastify/multipart';
import Fastify from 'fastify';
import { registerApiDocs } from '../../shared/fastify/api-docs';
import { useZodSchemas } from '../../shared/fastify/zod-fastify';
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
  const app = useZodSchemas(Fastify({ logger: false, routerOptions: { ignoreTrailingSlash: true } }), apiValidatorCompiler);
  installErrorHandlers(app, options.log ?? (() => {}));
  await app.register(fastifyMultipart);
  await registerApiDocs(app, {
    prefix: '',
    title: 'Shoal peer API',
    version: options.version,
    description: 'Share, search and download files on a Shoal network through this peer.',
  });
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
