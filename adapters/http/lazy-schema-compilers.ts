/**
 * Route schemas compiled at a route's first request instead of at start: fastify compiles the response serializer
 * (fast-json-stringify) and the request validator of every route while the app boots, ~0.2 s of CPU for this API,
 * most of it for routes a given process never serves. Here each route gets a function that compiles on its first
 * call, with the same compilers fastify would use (fastify's own serializer builder, the TypeBox validator), so
 * answers are byte-identical; only the moment of compiling moves (measured: bench/cli-startup-bench.ts).
 *
 * Invariant: a schema that cannot be compiled still fails loudly (on the first request of its route, as a 500 the
 * error handler logs) - the OpenAPI test (test/adapters/http/openapi-examples.test.ts) and the route tests compile
 * every schema, so such a schema never ships.
 */
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';
import { TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import type { FastifySchemaCompiler, FastifySerializerCompiler } from 'fastify';

type SerializerFactory = ReturnType<typeof SerializerSelector>;

/** Fastify's default serializer builder, compiling each route's serializer at its first response. */
export const lazySerializerFactory: SerializerFactory = (externalSchemas, serializerOptions) => {
  const compile = SerializerSelector()(externalSchemas, serializerOptions) as FastifySerializerCompiler<unknown>;
  return ((route: Parameters<FastifySerializerCompiler<unknown>>[0]) => {
    let serialize: ((data: unknown) => string) | undefined;
    return (data: unknown) => (serialize ??= compile(route))(data);
  }) as never;
};

/** The TypeBox validator compiler, compiling each route part's validator at its first request. */
export const lazyTypeBoxValidatorCompiler: FastifySchemaCompiler<unknown> = (route) => {
  let validate: ReturnType<FastifySchemaCompiler<unknown>> | undefined;
  return (data: unknown) => (validate ??= TypeBoxValidatorCompiler(route as never))(data);
};
