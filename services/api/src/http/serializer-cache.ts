import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';

type Serializer = (data: unknown) => string;
type BuildSerializer = ReturnType<typeof SerializerSelector>;

/**
 * Fastify's response serializer factory, compiling each distinct schema once, when it is first
 * used. Fastify compiles a
 * serializer for every route and status, and every route shares the same problem responses
 * (`4xx`, `5xx`) and many share a representation: about 250 compilations of a few dozen schemas,
 * a fifth of the time from start to ready (BENCHMARKS.md, issue 16); most are never used by a
 * given instance. A schema's text is its key,
 * so two routes answering the same shape share one function; the external schemas (`Problem`)
 * are the same for every route of the instance.
 */
export function cachedSerializers(): BuildSerializer {
  const select = SerializerSelector();
  return (externalSchemas, options) => {
    const compile = select(externalSchemas, options);
    const compiled = new Map<string, Serializer>();
    return (route) => {
      const key = JSON.stringify(route.schema);
      let serializer = compiled.get(key);
      if (serializer === undefined) {
        let compiledOnce: Serializer | undefined;
        serializer = (data) => {
          compiledOnce ??= compile(route);
          return compiledOnce(data);
        };
        compiled.set(key, serializer);
      }
      return serializer;
    };
  };
}
