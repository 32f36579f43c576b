/** What the REST routes work with: the running peer and the folder uploads are saved into. */
import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { NodePeer } from '../node/node-peer';

export interface ApiContext {
  peer: NodePeer;
  /** Uploads through POST /share are saved here, then shared in place. */
  sharedDir: string;
  uploadLimits: UploadLimits;
}

export interface UploadLimits {
  filesMax: number;
  fileMaxBytes: number;
}

export type ApiApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;
