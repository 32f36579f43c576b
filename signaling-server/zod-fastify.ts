/**
 * Lets Fastify routes declare zod schemas: the validator parses requests with them (and types
 * `request.query`), the serializer checks every response against its declared shape. Route
 * schemas stay zod, so `z.toJSONSchema` can turn them into an OpenAPI document later.
 */
import type {
  FastifyBaseLogger,
  FastifyInstance,
  FastifySchemaCompiler,
  FastifySerializerCompiler,
  FastifyTypeProvider,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import { z } from 'zod';
import { describeInvalid } from './validation-message';

export interface ZodTypeProvider extends FastifyTypeProvider {
  validator: this['schema'] extends z.ZodType ? z.output<this['schema']> : unknown;
  serializer: this['schema'] extends z.ZodType ? z.input<this['schema']> : unknown;
}

export type ZodFastify = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;

const partNames: Record<string, string> = {
  querystring: 'query string',
  body: 'request body',
  params: 'path',
  headers: 'headers',
};

export const zodValidatorCompiler: FastifySchemaCompiler<z.ZodType> =
  ({ schema, httpPart }) =>
  (data) => {
    const parsed = schema.safeParse(data);
    if (parsed.success) return { value: parsed.data };
    // Fastify turns this into a 400 that the error handler reports as BAD_REQUEST.
    return { error: new Error(describeInvalid(partNames[httpPart ?? ''] ?? 'request', parsed.error)) };
  };

export const zodSerializerCompiler: FastifySerializerCompiler<z.ZodType> =
  ({ schema }) =>
  (data) =>
    JSON.stringify(schema.parse(data));
