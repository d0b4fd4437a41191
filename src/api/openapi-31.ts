import type { OpenAPIObject } from '@nestjs/swagger';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * OpenAPI 3.1 from what @nestjs/swagger generates (3.0): its schemas are JSON Schema 2020-12, where `nullable` is
 * gone and a null value is a type of its own. `{type: 'string', nullable: true}` becomes `{type: ['string', 'null']}`,
 * and a nullable `$ref` or composition becomes `anyOf: [it, {type: 'null'}]`.
 */
export function toOpenApi31(document: OpenAPIObject): OpenAPIObject {
  return { ...(withoutNullable(document as unknown as Json) as unknown as OpenAPIObject), openapi: '3.1.0' };
}

function withoutNullable(node: Json): Json {
  if (Array.isArray(node)) return node.map(withoutNullable);
  if (node === null || typeof node !== 'object') return node;
  const { nullable, ...rest } = node;
  const converted = Object.fromEntries(Object.entries(rest).map(([key, value]) => [key, withoutNullable(value)]));
  if (nullable !== true) return converted;
  if (typeof converted.type === 'string') {
    const schema: Json = { ...converted, type: [converted.type, 'null'] };
    if (Array.isArray(converted.enum)) schema.enum = [...converted.enum, null];
    return schema;
  }
  const { description, ...schema } = converted;
  return { ...(description === undefined ? {} : { description }), anyOf: [schema, { type: 'null' }] };
}
