import type { OpenAPIObject } from '@nestjs/swagger';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * OpenAPI 3.1 from what @nestjs/swagger generates (3.0): its schemas are JSON Schema 2020-12, where `nullable` is
 * gone and a null value is a type of its own. `{type: 'string', nullable: true}` becomes `{type: ['string', 'null']}`,
 * and a nullable `$ref` or composition becomes `anyOf: [it, {type: 'null'}]` (with the `type: 'object'` that
 * @nestjs/swagger puts beside a nullable property's `allOf: [{$ref}]` inside `it`: a null type beside the reference
 * would still be refused by it).
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
  const composed = ['$ref', 'allOf', 'anyOf', 'oneOf'].some((key) => key in converted);
  if (typeof converted.type === 'string' && !composed) {
    const schema: Json = { ...converted, type: [converted.type, 'null'] };
    if (Array.isArray(converted.enum)) schema.enum = [...converted.enum, null];
    return schema;
  }
  const { description, ...schema } = converted;
  return { ...(description === undefined ? {} : { description }), anyOf: [schema, { type: 'null' }] };
}
