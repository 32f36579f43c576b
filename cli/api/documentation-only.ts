/**
 * Marks a request schema as documentation only: it appears in the OpenAPI document but Fastify does
 * not validate against it. For multipart bodies, which are streamed and checked part by part in the
 * handler (upload-files.ts) instead of being parsed whole.
 */
import type { FastifySchemaCompiler } from 'fastify';
import { validatorCompiler } from 'fastify-type-provider-zod';
import type { z } from 'zod';

const documentationOnlySchemas = new WeakSet<object>();

export function documentationOnly<S extends z.ZodType>(schema: S): S {
  documentationOnlySchemas.add(schema);
  return schema;
}

export const apiValidatorCompiler: FastifySchemaCompiler<z.ZodType> = (route) => {
  if (documentationOnlySchemas.has(route.schema)) return (data) => ({ value: data });
  return validatorCompiler(route);
};
