/**
 * The one Fastify + zod integration of both REST APIs (the tracker's and the CLI peer's), through
 * fastify-type-provider-zod: routes declare zod schemas next to their handlers; requests are parsed
 * with them (and typed), every answer is checked against its declared shape, and the same schemas
 * generate the OpenAPI documents (api-docs.ts). Node only: the browser never imports shared/fastify/.
 */
import type {
  FastifyBaseLogger,
  FastifyInstance,
  FastifySchemaCompiler,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { z } from 'zod';

export type { ZodTypeProvider };

export type ZodFastify = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;

/**
 * Makes a Fastify instance take zod route schemas. A caller that must skip validation of some
 * schemas (a streamed multipart body) passes its own validator built on the library's.
 */
export function useZodSchemas(
  app: FastifyInstance,
  validator: FastifySchemaCompiler<z.ZodType> = validatorCompiler,
): ZodFastify {
  app.setValidatorCompiler(validator);
  app.setSerializerCompiler(serializerCompiler);
  return app.withTypeProvider<ZodTypeProvider>();
}
